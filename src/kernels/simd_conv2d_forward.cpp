// The SIMD path's conv2d forward: im2col, then register tiles over each
// input plane's readers (convolution.hpp).
#include "src/kernels/convolution.hpp"

namespace ctgrad::kernels {

void SimdConvolution::im2col(const ConvPlan& g, const float* x, float* columns, float* split) {
  const std::size_t stride = g.stride, phase_w = g.split_w(), taps = g.taps(), pixels = g.out_pixels();
  const std::size_t out_h = g.out_h(), out_w = g.out_w();
  for (std::size_t plane = 0; plane < g.in_planes; ++plane) {
    const float* input = x + plane * g.plane_size();
    for (std::size_t row = 0; row < g.in_h; ++row)  // split: [row][px][j]
      for (std::size_t px = 0; px < stride; ++px)
        for (std::size_t j = 0; j < phase_w && j * stride + px < g.in_w; ++j)
          split[(row * stride + px) * phase_w + j] = input[row * g.in_w + j * stride + px];
    for (std::size_t ky = 0; ky < g.kernel; ++ky)
      for (std::size_t kx = 0; kx < g.kernel; ++kx) {
        float* column = columns + (plane * taps + ky * g.kernel + kx) * pixels;
        for (std::size_t oy = 0; oy < out_h; ++oy)
          std::memcpy(column + oy * out_w, split + ((oy * stride + ky) * stride + kx % stride) * phase_w + kx / stride,
                      out_w * sizeof(float));
      }
  }
}

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
          [&](std::size_t r, std::size_t k) { return w[g.weight_offset(reader[r].out_plane, reader[r].slot) + k]; },
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

}  // namespace ctgrad::kernels
