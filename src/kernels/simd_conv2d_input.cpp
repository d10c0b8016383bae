// The SIMD path's conv2d input gradient: column gradients over each input
// plane's readers, then col2im (convolution.hpp).
#include "src/kernels/convolution.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

void SimdConvolution::conv2d_input_gradient(const ConvPlan& g, const float* w, const float* dy, float* dx, float* scratch,
                                    bool write) {
  const std::size_t pixels = g.out_pixels(), taps = g.taps();
  float* columns = scratch + g.gradient_offset();
  float* phases = scratch + g.phases_offset();
  float* const frames[2] = {scratch + g.frames_offset(), scratch + g.frames_offset() + g.frame_set_size()};
  for (std::size_t plane = 0; plane < g.in_planes; ++plane) {
    const ConvReader* reader = g.readers_of(plane);
    const auto kernel_of = [&](std::size_t r) { return w + reader[r].weight_offset; };
    if (pixels >= width) {
      SimdMatmul::rows_times_matrix(
          taps, pixels, false, g.reader_count[plane], [&](std::size_t t, std::size_t r) { return kernel_of(r)[t]; },
          [&](std::size_t r) { return dy + reader[r].out_plane * pixels; },
          [&](std::size_t t) { return columns + t * pixels; });
    } else if (taps >= width) {
      columns_across_taps(g, plane, w, dy, columns);
    } else {
      std::fill(columns, columns + taps * pixels, 0.f);
      for (std::size_t r = 0; r < g.reader_count[plane]; ++r)
        for (std::size_t t = 0; t < taps; ++t)
          SimdElementwise::axpy(pixels, kernel_of(r)[t], dy + reader[r].out_plane * pixels, columns + t * pixels);
    }
    // Frame this plane's gradients; sum the plane before's (framed a plane ago).
    float* before = plane > 0 ? dx + (plane - 1) * g.plane_size() : nullptr;
    col2im_by_phases(g, columns, frames[plane % 2], frames[(plane + 1) % 2], phases, before, write);
  }
  const std::size_t last = g.in_planes - 1;
  col2im_by_phases(g, nullptr, nullptr, frames[last % 2], phases, dx + last * g.plane_size(), write);
}

void SimdConvolution::columns_across_taps(const ConvPlan& g, std::size_t plane, const float* w, const float* dy,
                                          float* columns) {
  const std::size_t pixels = g.out_pixels(), taps = g.taps(), readers = g.reader_count[plane];
  const ConvReader* reader = g.readers_of(plane);
  alignas(64) std::array<float, width> sums;
  for (std::size_t p = 0; p < pixels; ++p)
    for (std::size_t first = 0; first < taps; first += width) {
      const std::size_t t0 = std::min(first, taps - width);
      batch sum(0.f);
      for (std::size_t r = 0; r < readers; ++r)
        sum = multiply_add(load(w + reader[r].weight_offset + t0), batch(dy[reader[r].out_plane * pixels + p]), sum);
      if (pixels == 1) {
        sum.store_unaligned(columns + t0);
      } else {
        sum.store_aligned(sums.data());
        for (std::size_t l = 0; l < width; ++l) columns[(t0 + l) * pixels + p] = sums[l];
      }
    }
}

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
