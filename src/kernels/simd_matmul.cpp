// The SIMD path's one-row products: a row of C in registers over chained
// multiply-adds (matmul.hpp). Each of the SIMD products' register-tile sets
// is a file of its own, so no file of the kernel library is a long compile.
#include "src/kernels/matmul.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

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

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
