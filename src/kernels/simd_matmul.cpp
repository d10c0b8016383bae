// The SIMD path's products: whole matrices (a row at a time, in register
// tiles over the row's vectors and chained multiply-adds) and their
// vector-Jacobian products. Split from simd.cpp by the register tiles each
// instantiates, so no file of the kernel library is a long compile.
#include "src/kernels/matmul.hpp"

namespace ctgrad::kernels {

void SimdMatmul::row_times_matrix(std::size_t depth, std::size_t n, bool accumulate, const float* a, const float* b,
                               float* c) {
  const std::size_t vectors = vectors_of(n);
  if (n >= width && vectors <= 8) {
    const std::size_t chains = std::max<std::size_t>(1, std::min<std::size_t>(depth, 8 / vectors));
    row_tile_of(vectors, chains, depth, n, accumulate, a, b, c);
  } else {
    short_row(
        n, accumulate, depth, [&](std::size_t k) { return a[k]; }, [&](std::size_t k) { return b + k * n; }, c);
  }
}

void SimdMatmul::matmul_backward_a(std::size_t rows, std::size_t depth, std::size_t cols, const float* dc, const float* b,
                                float* da, bool write) {
  if (cols < width && depth >= width && rows > 1 && cols * depth <= transposed_limit) {
    std::array<float, transposed_limit> b_t;  // [cols, depth]
    for (std::size_t k = 0; k < depth; ++k)
      for (std::size_t n = 0; n < cols; ++n) b_t[n * depth + k] = b[k * cols + n];
    std::array<float, transposed_limit> dots;  // a block's dot products, then da +=
    const std::size_t block = write ? rows : std::max<std::size_t>(1, transposed_limit / depth);
    for (std::size_t first = 0; first < rows; first += block) {
      const std::size_t count = std::min(block, rows - first);
      const auto out = [&](std::size_t r) { return write ? da + (first + r) * depth : dots.data() + r * depth; };
      rows_times_matrix(
          count, depth, false, cols, [&](std::size_t r, std::size_t n) { return dc[(first + r) * cols + n]; },
          [&](std::size_t n) { return b_t.data() + n * depth; }, out);
      if (!write)
        for (std::size_t r = 0; r < count; ++r) SimdElementwise::accumulate(depth, out(r), da + (first + r) * depth);
    }
  } else {
    for (std::size_t m = 0; m < rows; ++m) dot_many(cols, depth, cols, write, dc + m * cols, b, da + m * depth);
  }
}

void SimdMatmul::matmul_backward_b(std::size_t rows, std::size_t depth, std::size_t cols, const float* a,
                                const float* dc, float* db) {
  const std::size_t vectors = vectors_of(cols);
  if (rows == 1 && cols >= width && vectors <= 8) {  // a classifier's weight gradient: an outer product
    [&]<std::size_t... V>(std::index_sequence<V...>) {
      (void)((vectors == V + 1 ? (outer_product<V + 1>(depth, cols, a, dc, db), true) : false) || ...);
    }(std::make_index_sequence<8>{});
  } else if (rows == 1 && cols < width && narrow_width(cols) > 1) {  // the same below one vector
    const auto narrow_product = [&]<std::size_t Lanes>(std::integral_constant<std::size_t, Lanes>) {
      using narrow = xsimd::make_sized_batch_t<float, Lanes>;
      if (cols > Lanes)
        outer_product<2, narrow>(depth, cols, a, dc, db);
      else
        outer_product<1, narrow>(depth, cols, a, dc, db);
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

}  // namespace ctgrad::kernels
