// The SIMD path's conv2d backward: the weight gradient from im2row's patches,
// then the input gradient (convolution.hpp).
#include "src/kernels/convolution.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

void SimdConvolution::conv2d_backward_batch(const ConvPlan& g, std::size_t count, Examples x, const float* w,
                                            Examples dy, float* dw, MutableExamples dx, MutableExamples scratch,
                                            bool write_dx) {
  const std::size_t pixels = g.out_pixels(), taps = g.taps();
  // Weight gradient: dw[o, slot] += dy[o] (1 x pixels) times the plane's
  // patches (pixels x taps), for all readers of a plane at once, so each
  // patch row is loaded once: multiply-adds only, no horizontal sums. One
  // example after the other, each adding its pixels in order to what the
  // one before left: the sums of one product over the whole batch.
  for (std::size_t e = 0; e < count; ++e) im2row(g, x(e), scratch(e));
  if (taps >= width) {
    for (std::size_t plane = 0; plane < g.in_planes; ++plane) {
      const ConvReader* reader = g.readers_of(plane);
      for (std::size_t e = 0; e < count; ++e) {
        const float* gradient = dy(e);
        const float* patches = scratch(e) + plane * pixels * taps;
        SimdMatmul::rows_times_matrix(
            g.reader_count[plane], taps, true, pixels,
            [&](std::size_t r, std::size_t k) { return gradient[reader[r].out_plane * pixels + k]; },
            [&](std::size_t k) { return patches + k * taps; }, [&](std::size_t r) { return dw + reader[r].weight_offset; });
      }
    }
  } else {
    for (std::size_t e = 0; e < count; ++e)
      for (std::size_t o = 0; o < g.out_planes; ++o)
        for (std::size_t j = 0; j < g.fan_in_planes; ++j)
          SimdMatmul::row_times_matrix(pixels, taps, true, dy(e) + o * pixels,
                                       scratch(e) + g.plane_of(o, j) * pixels * taps, dw + g.weight_offset(o, j));
  }
  for (std::size_t e = 0; e < count; ++e)
    if (dx(e)) conv2d_input_gradient(g, w, dy(e), dx(e), scratch(e), write_dx);
}

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
