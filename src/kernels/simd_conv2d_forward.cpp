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
  } else if (g.out_planes >= width) {
    forward_across_planes(g, scratch, w, y);
  } else {
    for (std::size_t o = 0; o < g.out_planes; ++o)
      for (std::size_t j = 0; j < g.fan_in_planes; ++j)
        SimdMatmul::row_times_matrix(taps, pixels, true, w + g.weight_offset(o, j),
                                     scratch + g.plane_of(o, j) * taps * pixels, y + o * pixels);
  }
}

void SimdConvolution::forward_across_planes(const ConvPlan& g, const float* columns, const float* w, float* y) {
  using indices = xsimd::batch<std::int32_t>;
  static_assert(indices::size == width, "one weight index a lane");
  const std::size_t pixels = g.out_pixels(), taps = g.taps(), slots = g.fan_in_planes;
  // A full connection reads plane j in every output's slot j: one input
  // float for all lanes, broadcast; otherwise each lane gathers its own.
  bool full = slots == g.in_planes;
  for (std::size_t o = 0; o < g.out_planes && full; ++o)
    for (std::size_t j = 0; j < slots; ++j) full = full && g.plane_of(o, j) == j;
  alignas(64) std::array<std::int32_t, width> lane;
  alignas(64) std::array<float, width> sums;
  for (std::size_t first = 0; first < g.out_planes; first += width) {
    const std::size_t o0 = std::min(first, g.out_planes - width);
    for (std::size_t l = 0; l < width; ++l) lane[l] = static_cast<std::int32_t>(g.weight_offset(o0 + l, 0));
    const indices kernels = indices::load_aligned(lane.data());
    for (std::size_t p = 0; p < pixels; ++p) {
      batch sum(0.f);
      for (std::size_t j = 0; j < slots; ++j) {
        const indices weights = kernels + static_cast<std::int32_t>(j * taps);
        if (full) {
          const float* column = columns + j * taps * pixels + p;
          for (std::size_t k = 0; k < taps; ++k)
            sum = multiply_add(batch::gather(w, weights + static_cast<std::int32_t>(k)), batch(column[k * pixels]), sum);
        } else {
          for (std::size_t l = 0; l < width; ++l)
            lane[l] = static_cast<std::int32_t>(g.plane_of(o0 + l, j) * taps * pixels + p);
          const indices inputs = indices::load_aligned(lane.data());
          for (std::size_t k = 0; k < taps; ++k) {
            const auto tap = static_cast<std::int32_t>(k);
            sum = multiply_add(batch::gather(w, weights + tap),
                             batch::gather(columns, inputs + static_cast<std::int32_t>(k * pixels)), sum);
          }
        }
      }
      sum.store_aligned(sums.data());
      for (std::size_t l = 0; l < width; ++l) y[(o0 + l) * pixels + p] = sums[l];
    }
  }
}

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
