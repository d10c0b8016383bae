// The SIMD path's products over several rows in register tiles: C = A B
// and dA = dC B^T (matmul.hpp), sharing one set of tiles.
#include "src/kernels/matmul.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

void SimdMatmul::matmul(std::size_t rows, std::size_t depth, std::size_t cols, const float* a, const float* b, float* c,
                        bool accumulate) {
  if (rows > 1 && cols >= width)
    rows_times_matrix(rows, cols, accumulate, depth, RowsOf{a, depth}, RowsOf{b, cols}, MutableRowsOf{c, cols});
  else
    for (std::size_t m = 0; m < rows; ++m) row_times_matrix(depth, cols, accumulate, a + m * depth, b, c + m * cols);
}

void SimdMatmul::matmul_backward_a(std::size_t rows, std::size_t depth, std::size_t cols, const float* dc, const float* b,
                                float* da, bool write) {
  if (depth >= width && rows > 1 && cols * depth <= transposed_limit) {
    std::array<float, transposed_limit> b_t;  // [cols, depth]
    for (std::size_t k = 0; k < depth; ++k)
      for (std::size_t n = 0; n < cols; ++n) b_t[n * depth + k] = b[k * cols + n];
    std::array<float, transposed_limit> dots;  // a block's dot products, then da +=
    const std::size_t block = write ? rows : std::max<std::size_t>(1, transposed_limit / depth);
    for (std::size_t first = 0; first < rows; first += block) {
      const std::size_t count = std::min(block, rows - first);
      const MutableRowsOf out{write ? da + first * depth : dots.data(), depth};
      rows_times_matrix(count, depth, false, cols, RowsOf{dc + first * cols, cols}, RowsOf{b_t.data(), depth}, out);
      if (!write)
        for (std::size_t r = 0; r < count; ++r) SimdElementwise::accumulate(depth, out(r), da + (first + r) * depth);
    }
  } else {
    for (std::size_t m = 0; m < rows; ++m) dot_many(cols, depth, cols, write, dc + m * cols, b, da + m * depth);
  }
}

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
