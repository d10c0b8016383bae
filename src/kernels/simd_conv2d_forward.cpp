// The SIMD path's conv2d forward: im2col, then register tiles over each
// input plane's readers (convolution.hpp).
#include "src/kernels/convolution.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

void SimdConvolution::conv2d_forward(const ConvPlan& g, const float* x, const float* w, float* y, float* scratch) {
  const std::size_t pixels = g.out_pixels(), taps = g.taps();
  im2col(g, x, scratch, scratch + g.split_offset());
  std::fill(y, y + g.out_planes * pixels, 0.f);
  if (pixels >= width) {
    for (std::size_t plane = 0; plane < g.in_planes; ++plane) {
      const ConvReader* reader = g.readers_of(plane);
      const float* columns = scratch + plane * taps * pixels;
      SimdMatmul::rows_times_matrix(
          g.reader_count[plane], pixels, true, taps,
          [&](std::size_t r, std::size_t k) { return w[reader[r].weight_offset + k]; },
          [&](std::size_t k) { return columns + k * pixels; },
          [&](std::size_t r) { return y + reader[r].out_plane * pixels; });
    }
  } else {
    for (std::size_t o = 0; o < g.out_planes; ++o)
      for (std::size_t j = 0; j < g.fan_in_planes; ++j)
        SimdMatmul::row_times_matrix(taps, pixels, true, w + g.weight_offset(o, j),
                                     scratch + g.plane_of(o, j) * taps * pixels, y + o * pixels);
  }
}

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
