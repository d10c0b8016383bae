// The SIMD path's dB = A^T dC (matmul.hpp).
#include "src/kernels/matmul.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

void SimdMatmul::matmul_backward_b(std::size_t rows, std::size_t depth, std::size_t cols, const float* a,
                                const float* dc, float* db) {
  const std::size_t vectors = vectors_of(cols);
  if (rows == 1 && cols >= width && vectors <= 8) {  // a classifier's weight gradient: an outer product
    [&]<std::size_t... V>(std::index_sequence<V...>) {
      (void)((vectors == V + 1 ? (outer_product<V + 1>(depth, cols, a, dc, db), true) : false) || ...);
    }(std::make_index_sequence<8>{});
  } else if (rows == 1 && cols < width && narrow_width(cols) > 1) {  // the same below one vector
    // A template, so that a set without the narrower vector (SSE2) discards the call.
    const auto narrow_product = [&]<std::size_t Lanes>(std::integral_constant<std::size_t, Lanes>) {
      if constexpr (has_narrow(Lanes)) {
        using narrow = xsimd::make_sized_batch_t<float, Lanes>;
        if (cols > Lanes)
          outer_product<2, narrow>(depth, cols, a, dc, db);
        else
          outer_product<1, narrow>(depth, cols, a, dc, db);
      }
    };
    if constexpr (width > 8 && has_narrow(8))
      if (narrow_width(cols) == 8) return narrow_product(std::integral_constant<std::size_t, 8>{});
    if constexpr (width > 4 && has_narrow(4)) narrow_product(std::integral_constant<std::size_t, 4>{});
  } else if (cols >= width && rows > 1) {
    rows_times_matrix(
        depth, cols, true, rows, [&](std::size_t k, std::size_t m) { return a[m * depth + k]; },
        [&](std::size_t m) { return dc + m * cols; }, [&](std::size_t k) { return db + k * cols; });
  } else {
    for (std::size_t k = 0; k < depth; ++k)
      short_row(
          cols, true, rows, [&](std::size_t m) { return a[m * depth + k]; },
          [&](std::size_t m) { return dc + m * cols; }, db + k * cols);
  }
}

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
