// The SIMD path's im2col (convolution.hpp), specialized by row shape.
#include "src/kernels/convolution.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

namespace {
// even[j] = from[2 j], odd[j] = from[2 j + 1] for j < pairs; the buffers
// do not overlap, which the compiler is told so that it vectorizes. Rows of
// up to 16 pairs (LeNet-1's 10 and 6) with the count as a constant: a loop
// over a run-time count of 6 costs more than the moves themselves.
template <std::size_t Pairs>
void deinterleave_of(std::size_t pairs, float* __restrict even, float* __restrict odd, const float* __restrict from) {
  const std::size_t count = Pairs ? Pairs : pairs;
  for (std::size_t j = 0; j < count; ++j) {
    even[j] = from[2 * j];
    odd[j] = from[2 * j + 1];
  }
}
void deinterleave(std::size_t pairs, float* even, float* odd, const float* from) {
  const bool specialized = [&]<std::size_t... P>(std::index_sequence<P...>) {
    return ((pairs == P + 1 ? (deinterleave_of<P + 1>(pairs, even, odd, from), true) : false) || ...);
  }(std::make_index_sequence<16>{});
  if (!specialized) deinterleave_of<0>(pairs, even, odd, from);
}

// im2col with the output width and stride as constants where with_row_shape
// has them. Every extent is read into a local first: the copies' stores
// could alias anything reached through a pointer or a reference, and the
// loops would reload it each time.
// Each shape a function of its own, so that a profile names the one that ran.
template <std::size_t OutW, std::size_t Stride, std::size_t Kernel>
[[gnu::noinline]] void im2col_shaped(const ConvPlan& plan, const float* x, float* columns, float* split) {
  const std::size_t stride = Stride ? Stride : plan.stride, out_w = OutW ? OutW : plan.out_w();
  const std::size_t in_planes = plan.in_planes, in_h = plan.in_h, in_w = plan.in_w;
  const std::size_t kernel = Kernel ? Kernel : plan.kernel;
  const std::size_t phase_w = plan.split_w(), taps = kernel * kernel, pixels = plan.out_pixels(), out_h = OutW ? OutW : plan.out_h();
  const std::size_t plane_size = plan.plane_size();
  const std::size_t split_size = in_h * stride * phase_w;
  for (std::size_t plane = 0; plane < in_planes; ++plane) {
    const float* input = x + plane * plane_size;
    for (std::size_t row = 0; row < in_h; ++row) {  // split: [plane][row][px][j]
      const float* from = input + row * in_w;
      float* to = split + plane * split_size + row * stride * phase_w;
      if constexpr (Stride == 1) {
        SimdSupport::copy_floats(to, from, in_w);
      } else if constexpr (Stride == 2) {  // even and odd columns
        const std::size_t pairs = in_w / 2;
        deinterleave(pairs, to, to + phase_w, from);
        if (in_w % 2 != 0) to[pairs] = from[in_w - 1];
      } else {
        for (std::size_t px = 0; px < stride; ++px)
          for (std::size_t j = 0; j < phase_w && j * stride + px < in_w; ++j) to[px * phase_w + j] = from[j * stride + px];
      }
    }
  }
  for (std::size_t plane = 0; plane < in_planes; ++plane) {
    for (std::size_t ky = 0; ky < kernel; ++ky)
      for (std::size_t kx = 0; kx < kernel; ++kx) {
        float* column = columns + (plane * taps + ky * kernel + kx) * pixels;
        const float* from = split + plane * split_size + (ky * stride + kx % stride) * phase_w + kx / stride;
        for (std::size_t oy = 0; oy < out_h; ++oy, from += stride * stride * phase_w) {
          if constexpr (OutW > 0)
            std::memcpy(column + oy * OutW, from, OutW * sizeof(float));
          else
            SimdSupport::copy_floats(column + oy * out_w, from, out_w);
        }
      }
  }
}
}  // namespace

void SimdConvolution::im2col(const ConvPlan& plan, const float* x, float* columns, float* split) {
  with_row_shape(plan, [&](auto out_w, auto stride) {
    // 5x5 kernels (LeNet-1's and LeNet-5's) with the taps' loops unrolled too.
    if (plan.kernel == 5)
      im2col_shaped<decltype(out_w)::value, decltype(stride)::value, 5>(plan, x, columns, split);
    else
      im2col_shaped<decltype(out_w)::value, decltype(stride)::value, 0>(plan, x, columns, split);
  });
}

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
