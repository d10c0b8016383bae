// The SIMD path's im2row (convolution.hpp), specialized by row shape and
// kernel size.
#include "src/kernels/convolution.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

void SimdConvolution::im2row(const ConvPlan& g, const float* x, float* patches) {
  with_row_shape(g, [&](auto out, auto stride) {
    constexpr std::size_t Out = decltype(out)::value, Stride = decltype(stride)::value;
    // 5x5 kernels (LeNet-1's and LeNet-5's) with every loop's count a constant.
    if (g.kernel == 5) return im2row_runs<Out, Stride, 5>(g, x, patches);
    const bool specialized = [&]<std::size_t... K>(std::index_sequence<K...>) {
      return ((g.kernel == K + 2 ? (im2row_runs<0, 0, K + 2>(g, x, patches), true) : false) || ...);
    }(std::make_index_sequence<6>{});
    if (!specialized) im2row_runs<0, 0, 0>(g, x, patches);
  });
}

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
