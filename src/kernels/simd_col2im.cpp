// The SIMD path's col2im by phases (convolution.hpp), specialized by row shape.
#include "src/kernels/convolution.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

namespace {
// out[2 j] (+)= even[j], out[2 j + 1] (+)= odd[j] for j < pairs, with the
// count as a constant for rows of up to 16 pairs (LeNet-1's 6 and 10): a
// loop over a run-time count of 6 costs more than the moves themselves.
template <std::size_t Pairs, bool Write>
void interleave_of(std::size_t pairs, float* __restrict out, const float* __restrict even,
                   const float* __restrict odd) {
  const std::size_t count = Pairs ? Pairs : pairs;
  for (std::size_t j = 0; j < count; ++j) {
    out[2 * j] = Write ? even[j] : out[2 * j] + even[j];
    out[2 * j + 1] = Write ? odd[j] : out[2 * j + 1] + odd[j];
  }
}
template <bool Write>
void interleave_as(std::size_t pairs, float* out, const float* even, const float* odd) {
  const bool specialized = [&]<std::size_t... P>(std::index_sequence<P...>) {
    return ((pairs == P + 1 ? (interleave_of<P + 1, Write>(pairs, out, even, odd), true) : false) || ...);
  }(std::make_index_sequence<16>{});
  if (!specialized) interleave_of<0, Write>(pairs, out, even, odd);
}
void interleave(std::size_t pairs, bool write, float* out, const float* even, const float* odd) {
  if (write)
    interleave_as<true>(pairs, out, even, odd);
  else
    interleave_as<false>(pairs, out, even, odd);
}
}  // namespace

template <std::size_t OutW, std::size_t Stride>
void SimdConvolution::col2im_shaped(const ConvPlan& plan, const float* columns, float* to_frame, const float* framed,
                                    float* phases, float* dx, bool write) {
  const ConvPlan g = plan;  // by value: the copies' stores could alias anything reached through a reference
  static_assert(width <= ConvPlan::max_vector_width, "ConvPlan sizes the col2im frames for at most 16-float vectors");
  const std::size_t stride = Stride ? Stride : g.stride, out_w = OutW ? OutW : g.out_w();
  const std::size_t kernel = g.kernel, reach = g.reach(), frame_w = g.frame_w();
  const std::size_t out_h = OutW ? OutW : g.out_h(), frame_size = g.frame_size();
  const std::size_t vectors = (g.phase_lanes() + width - 1) / width, phase_size = g.phase_size();
  if (dx) {
    const float* frames = framed;
    // Every phase's sum, then the phases interleaved back row by row. A
    // kernel smaller than its stride leaves phases no tap reaches: zero.
    if (kernel < stride) std::fill(phases, phases + stride * stride * phase_size, 0.f);
    // A phase's taps, in ascending tap order, as offsets into the frames.
    std::array<std::size_t, 64> offsets;
    for (std::size_t py = 0; py < std::min(stride, kernel); ++py)
      for (std::size_t px = 0; px < std::min(stride, kernel); ++px) {
        std::size_t count = 0;
        for (std::size_t ky = py, a = 0; ky < kernel; ky += stride, ++a)
          for (std::size_t kx = px, b = 0; kx < kernel; kx += stride, ++b, ++count)
            if (count < offsets.size())
              offsets[count] = (ky * kernel + kx) * frame_size + (reach - a) * frame_w + (reach - b);
        float* phase = phases + (py * stride + px) * phase_size;
        for (std::size_t v = 0; v < vectors; ++v) {
          batch sum(0.f);
          if (count <= offsets.size()) {
            for (std::size_t t = 0; t < count; ++t) sum += load(frames + offsets[t] + v * width);
          } else {  // kernels over 8 at stride 1
            for (std::size_t ky = py, a = 0; ky < kernel; ky += stride, ++a)
              for (std::size_t kx = px, b = 0; kx < kernel; kx += stride, ++b)
                sum += load(frames + (ky * kernel + kx) * frame_size + (reach - a) * frame_w + (reach - b) + v * width);
          }
          sum.store_unaligned(phase + v * width);
        }
      }
    const std::size_t rows = std::min(g.in_h, g.phase_h() * stride), phase_w = g.phase_w();
    const std::size_t reached = std::min(g.in_w, phase_w * stride);
    // Straight into dx: a row gathered first and then copied would be read
    // back in vectors right after its scalar stores, which stalls.
    for (std::size_t iy = 0; iy < rows; ++iy) {
      const std::size_t py = iy % stride, i = iy / stride;
      float* target = dx + iy * g.in_w;
      if constexpr (Stride == 2) {  // the row is the two phases' rows interleaved: one loop over pairs
        if (reached % 2 == 0 && reached / 2 <= phase_w) {
          const float* even = phases + py * 2 * phase_size + i * frame_w;
          interleave(reached / 2, write, target, even, even + phase_size);
          if (write) std::fill(target + reached, target + g.in_w, 0.f);  // columns no tap reads
          continue;
        }
      }
      for (std::size_t px = 0; px < stride && px < reached; ++px) {
        const float* phase = phases + (py * stride + px) * phase_size + i * frame_w;
        float* to = target + px;
        const std::size_t count = std::min(phase_w, (reached - px + stride - 1) / stride);
        if (write)
          for (std::size_t j = 0; j < count; ++j) to[j * stride] = phase[j];
        else
          for (std::size_t j = 0; j < count; ++j) to[j * stride] += phase[j];
      }
      if (write) std::fill(target + reached, target + g.in_w, 0.f);  // columns no tap reads
    }
    if (write) std::fill(dx + rows * g.in_w, dx + g.plane_size(), 0.f);  // rows no tap reads
  }
  // This plane's frames after the plane before's sums: written first, their
  // stores were still draining when the sums' loads from the other buffer
  // began, and the loads waited (lenet1_layer/09_conv2d backward on avx512
  // about 8% faster this way round).
  if (columns)
    for (std::size_t t = 0; t < g.taps(); ++t)
#pragma GCC unroll 16
      for (std::size_t oy = 0; oy < out_h; ++oy) {
        float* to = to_frame + t * frame_size + (oy + reach) * frame_w + reach;
        const float* from = columns + (t * out_h + oy) * out_w;
        if constexpr (OutW > 0)
          std::memcpy(to, from, OutW * sizeof(float));
        else
          copy_floats(to, from, out_w);
      }
}

void SimdConvolution::col2im_by_phases(const ConvPlan& g, const float* columns, float* to_frame, const float* framed,
                                       float* phases, float* dx, bool write) {
  with_row_shape(g, [&](auto out_w_constant, auto stride_constant) {
    constexpr std::size_t OutW = decltype(out_w_constant)::value, Stride = decltype(stride_constant)::value;
    col2im_shaped<OutW, Stride>(g, columns, to_frame, framed, phases, dx, write);
  });
}

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
