// The SIMD path's product over rows gathered from a batch (matmul.hpp).
#include "src/kernels/matmul.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

void SimdMatmul::rows_matmul(std::size_t rows, std::size_t depth, std::size_t cols, Rows a, const float* b,
                          MutableRows c) {
  if (cols >= width) {
    rows_times_matrix(
        rows, cols, false, depth, [&](std::size_t r, std::size_t k) { return a(r)[k]; },
        [&](std::size_t k) { return b + k * cols; }, c);
  } else {
    for (std::size_t r = 0; r < rows; ++r) row_times_matrix(depth, cols, false, a(r), b, c(r));
  }
}

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
