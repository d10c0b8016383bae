// The SIMD path's conv2d input gradient: column gradients over each input
// plane's readers, put back by col2im by phases (convolution.hpp).
#include "src/kernels/convolution.hpp"

namespace ctgrad::kernels {

void SimdConvolution::conv2d_input_gradient(const ConvPlan& g, const float* w, const float* dy, float* dx, float* scratch,
                                    bool write) {
  const std::size_t pixels = g.out_pixels(), taps = g.taps();
  float* columns = scratch + g.gradient_offset();
  for (std::size_t plane = 0; plane < g.in_planes; ++plane) {
    const ConvReader* reader = g.readers_of(plane);
    const auto kernel_of = [&](std::size_t r) { return w + g.weight_offset(reader[r].out_plane, reader[r].slot); };
    if (pixels >= width) {
      SimdMatmul::rows_times_matrix(
          taps, pixels, false, g.reader_count[plane], [&](std::size_t t, std::size_t r) { return kernel_of(r)[t]; },
          [&](std::size_t r) { return dy + reader[r].out_plane * pixels; },
          [&](std::size_t t) { return columns + t * pixels; });
    } else {
      std::fill(columns, columns + taps * pixels, 0.f);
      for (std::size_t r = 0; r < g.reader_count[plane]; ++r)
        for (std::size_t t = 0; t < taps; ++t)
          SimdElementwise::axpy(pixels, kernel_of(r)[t], dy + reader[r].out_plane * pixels, columns + t * pixels);
    }
    col2im_by_phases(g, columns, scratch, dx + plane * g.plane_size(), write);
  }
}

void SimdConvolution::col2im_by_phases(const ConvPlan& g, const float* columns, float* scratch, float* dx, bool write) {
  static_assert(width <= ConvPlan::max_vector_width, "ConvPlan sizes the col2im frames for at most 16-float vectors");
  const std::size_t stride = g.stride, kernel = g.kernel, reach = g.reach(), frame_w = g.frame_w();
  const std::size_t out_h = g.out_h(), out_w = g.out_w(), frame_size = g.frame_size();
  const std::size_t vectors = (g.phase_lanes() + width - 1) / width, phase_size = g.phase_size();
  float* frames = scratch + g.frames_offset();
  float* phases = scratch + g.phases_offset();
  float* row = scratch + g.row_offset();  // dx's row iy, phases interleaved
  for (std::size_t t = 0; t < g.taps(); ++t)
    for (std::size_t oy = 0; oy < out_h; ++oy)
      std::memcpy(frames + t * frame_size + (oy + reach) * frame_w + reach, columns + (t * out_h + oy) * out_w,
                  out_w * sizeof(float));
  // Every phase's sum, then the phases interleaved back row by row. A
  // kernel smaller than its stride leaves phases no tap reaches: zero.
  if (kernel < stride) std::fill(phases, phases + stride * stride * phase_size, 0.f);
  for (std::size_t py = 0; py < std::min(stride, kernel); ++py)
    for (std::size_t px = 0; px < std::min(stride, kernel); ++px)
      for (std::size_t v = 0; v < vectors; ++v) {
        batch sum(0.f);
        for (std::size_t ky = py, a = 0; ky < kernel; ky += stride, ++a)
          for (std::size_t kx = px, b = 0; kx < kernel; kx += stride, ++b)
            sum += load(frames + (ky * kernel + kx) * frame_size + (reach - a) * frame_w + (reach - b) + v * width);
        sum.store_unaligned(phases + (py * stride + px) * phase_size + v * width);
      }
  const std::size_t rows = std::min(g.in_h, g.phase_h() * stride), phase_w = g.phase_w();
  const std::size_t reached = std::min(g.in_w, phase_w * stride);
  for (std::size_t iy = 0; iy < rows; ++iy) {
    const std::size_t py = iy % stride, i = iy / stride;
    for (std::size_t j = 0; j < phase_w; ++j)
      for (std::size_t px = 0; px < stride; ++px)
        row[j * stride + px] = phases[(py * stride + px) * phase_size + i * frame_w + j];
    float* target = dx + iy * g.in_w;
    if (write) {
      std::copy_n(row, reached, target);
      std::fill(target + reached, target + g.in_w, 0.f);  // columns no tap reads
    } else {
      for (std::size_t ix = 0; ix < reached; ++ix) target[ix] += row[ix];
    }
  }
  if (write) std::fill(dx + rows * g.in_w, dx + g.plane_size(), 0.f);  // rows no tap reads
}

}  // namespace ctgrad::kernels
