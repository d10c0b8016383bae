// The SIMD path's weight gradient over rows gathered from a batch (matmul.hpp).
#include "src/kernels/matmul.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

void SimdMatmul::rows_matmul_backward_b(std::size_t rows, std::size_t depth, std::size_t cols, Rows a, Rows dc,
                                     float* db) {
  if (cols >= width) {
    rows_times_matrix(
        depth, cols, true, rows, [&](std::size_t k, std::size_t r) { return a(r)[k]; }, dc,
        [&](std::size_t k) { return db + k * cols; });
  } else {
    for (std::size_t r = 0; r < rows; ++r) matmul_backward_b(1, depth, cols, a(r), dc(r), db);
  }
}

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
