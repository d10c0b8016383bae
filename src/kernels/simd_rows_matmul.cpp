// The SIMD path's products over rows gathered from a batch (matmul.hpp).
#include "src/kernels/matmul.hpp"

namespace ctgrad::kernels {

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

}  // namespace ctgrad::kernels
