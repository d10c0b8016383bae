#pragma once
// The matrix-product kernel family, both paths, row-major:
// C[rows, cols] = A[rows, depth] B[depth, cols], its two vector-Jacobian
// products, and the same over rows gathered from a batch. The SIMD path's
// register tiles (row_times_matrix, rows_times_matrix) serve convolution.hpp
// too.
#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include "ctgrad/kernels/geometry.hpp"
#include "src/kernels/elementwise.hpp"
#include "src/kernels/simd_support.hpp"

namespace ctgrad::kernels {

// ---- the scalar path -----------------------------------------------------------
struct ScalarMatmul {
  // C (+)= A B
  static void matmul(std::size_t rows, std::size_t depth, std::size_t cols, const float* a, const float* b, float* c,
                     bool accumulate) {
    for (std::size_t m = 0; m < rows; ++m)
      for (std::size_t n = 0; n < cols; ++n) {
        float sum = accumulate ? c[m * cols + n] : 0.f;
        for (std::size_t k = 0; k < depth; ++k) sum += a[m * depth + k] * b[k * cols + n];
        c[m * cols + n] = sum;
      }
  }
  // dA += dC B^T (write: =)
  static void matmul_backward_a(std::size_t rows, std::size_t depth, std::size_t cols, const float* dc, const float* b,
                                float* da, bool write) {
    for (std::size_t m = 0; m < rows; ++m)
      for (std::size_t k = 0; k < depth; ++k) {
        float sum = 0;
        for (std::size_t n = 0; n < cols; ++n) sum += dc[m * cols + n] * b[k * cols + n];
        da[m * depth + k] = write ? sum : da[m * depth + k] + sum;
      }
  }
  // dB += A^T dC
  static void matmul_backward_b(std::size_t rows, std::size_t depth, std::size_t cols, const float* a,
                                const float* dc, float* db) {
    for (std::size_t k = 0; k < depth; ++k)
      for (std::size_t n = 0; n < cols; ++n) {
        float sum = 0;
        for (std::size_t m = 0; m < rows; ++m) sum += a[m * depth + k] * dc[m * cols + n];
        db[k * cols + n] += sum;
      }
  }
  // ---- the same products over rows gathered from a batch ---------------------
  static void rows_matmul(std::size_t rows, std::size_t depth, std::size_t cols, Rows a, const float* b,
                          MutableRows c) {
    for (std::size_t r = 0; r < rows; ++r) matmul(1, depth, cols, a(r), b, c(r), false);
  }
  static void rows_matmul_backward_b(std::size_t rows, std::size_t depth, std::size_t cols, Rows a, Rows dc,
                                     float* db) {
    for (std::size_t r = 0; r < rows; ++r) matmul_backward_b(1, depth, cols, a(r), dc(r), db);
  }
};

// ---- the SIMD path ---------------------------------------------------------------
struct SimdMatmul : SimdSupport {
  // out[c] (+)= dot(a, b + c * stride) for c < count: count dot products
  // against one vector, reduced `width` at a time by one haddp (a
  // transposing add) instead of one horizontal add each.
  static void dot_many(std::size_t n, std::size_t count, std::size_t stride, bool write, const float* a,
                       const float* b, float* out) {
    if (n < width) {
      for (std::size_t c = 0; c < count; ++c) {
        const float value = SimdElementwise::dot(n, a, b + c * stride);
        out[c] = write ? value : out[c] + value;
      }
      return;
    }
    const bool ragged = n % width != 0;
    const batch a_tail = ragged ? load(a + n - width) * ragged_tail_weights(n) : batch(0.f);
    const auto& row_of_lane = haddp_row_of_lane();
    for (std::size_t first = 0; first < count; first += width) {
      const std::size_t group = std::min(width, count - first);
      std::array<batch, width> sums;
      for (std::size_t g = 0; g < width; ++g) {
        batch sum(0.f);
        if (g < group) {
          const float* row = b + (first + g) * stride;
          for (std::size_t i = 0; i + width <= n; i += width) sum = xsimd::fma(load(a + i), load(row + i), sum);
          if (ragged) sum = xsimd::fma(a_tail, load(row + n - width), sum);
        }
        sums[g] = sum;
      }
      alignas(64) std::array<float, width> lanes;
      xsimd::haddp(sums.data()).store_aligned(lanes.data());
      for (std::size_t lane = 0; lane < width; ++lane)
        if (row_of_lane[lane] < group) {
          float& target = out[first + row_of_lane[lane]];
          target = write ? lanes[lane] : target + lanes[lane];
        }
    }
  }

  // ---- register tiles --------------------------------------------------------------
  // For rows r < Rows: c(r)[cols] (+)= sum_{k < depth} a(r, k) * b(k)[cols],
  // over Vectors vectors of columns starting at vector `first` of a row of n
  // floats. All Rows x Vectors accumulators stay in registers for the whole
  // k loop, so each row b(k) is loaded once for every row of c. Rows are
  // reached through accessors because a sparse convolution's are scattered.
  // n >= width; a ragged n ends with an overlapping vector whose lanes repeat
  // the previous vector's values exactly (same loads, same operations).
  template <std::size_t Rows, std::size_t Vectors, class A, class B, class C>
  static void tile(std::size_t n, std::size_t first, bool accumulate, std::size_t depth, A a, B b, C c) {
    std::array<std::size_t, Vectors> start;
    for (std::size_t v = 0; v < Vectors; ++v) start[v] = std::min((first + v) * width, n - width);
    std::array<std::array<batch, Vectors>, Rows> sums;
    unrolled<Rows>([&](auto r) {
      for (std::size_t v = 0; v < Vectors; ++v) sums[r][v] = accumulate ? load(c(r) + start[v]) : batch(0.f);
    });
    for (std::size_t k = 0; k < depth; ++k) {
      const float* row = b(k);
      std::array<batch, Vectors> values;
      for (std::size_t v = 0; v < Vectors; ++v) values[v] = load(row + start[v]);
      unrolled<Rows>([&](auto r) {
        const batch scale(a(r, k));
        for (std::size_t v = 0; v < Vectors; ++v) sums[r][v] = xsimd::fma(scale, values[v], sums[r][v]);
      });
    }
    unrolled<Rows>([&](auto r) {
      for (std::size_t v = 0; v < Vectors; ++v) sums[r][v].store_unaligned(c(r) + start[v]);
    });
  }

  // The most vectors a tile holds: wider rows go in slices of this many
  // (each column's sum is the same whichever slice computes it).
  static constexpr std::size_t max_tile_vectors = 8;

  // `rows` rows in one tile of exactly that many: a full tile, or a power of
  // two below it (16, 8, 4, 2, 1) for the rest of a block.
  template <std::size_t Vectors, std::size_t Rows = 16, class A, class B, class C>
  static void tile_of(std::size_t rows, std::size_t n, std::size_t first, bool accumulate, std::size_t depth, A a, B b,
                      C c) {
    constexpr std::size_t full = register_rows_for(Vectors);
    if constexpr (Rows == 16)
      if (rows == full) return tile<full, Vectors>(n, first, accumulate, depth, a, b, c);
    if constexpr (Rows < full)
      if (rows == Rows) return tile<Rows, Vectors>(n, first, accumulate, depth, a, b, c);
    if constexpr (Rows > 1) tile_of<Vectors, Rows / 2>(rows, n, first, accumulate, depth, a, b, c);
  }
  // `count` rows in tiles of Vectors vectors: full tiles, then the rest in
  // powers of two.
  template <std::size_t Vectors, class A, class B, class C>
  static void tiles(std::size_t count, std::size_t n, std::size_t first, bool accumulate, std::size_t depth, A a, B b,
                    C c) {
    constexpr std::size_t full = register_rows_for(Vectors);
    std::size_t done = 0;
    const auto shifted = [&done](auto accessor) {
      return [&done, accessor](std::size_t r, auto... k) { return accessor(done + r, k...); };
    };
    while (done < count) {
      const std::size_t left = count - done;
      std::size_t rows = full;
      if (left < full)
        for (rows = 16; rows > left; rows /= 2) {
        }
      tile_of<Vectors>(rows, n, first, accumulate, depth, shifted(a), b, shifted(c));
      done += rows;
    }
  }
  template <std::size_t Vectors = 1, class A, class B, class C>
  static void tiles_by_vectors(std::size_t vectors, std::size_t count, std::size_t n, std::size_t first,
                               bool accumulate, std::size_t depth, A a, B b, C c) {
    if (vectors == Vectors) return tiles<Vectors>(count, n, first, accumulate, depth, a, b, c);
    if constexpr (Vectors < max_tile_vectors)
      tiles_by_vectors<Vectors + 1>(vectors, count, n, first, accumulate, depth, a, b, c);
  }

  // For rows r < count: c(r)[0:n] (+)= sum_{k < depth} a(r, k) * b(k)[0:n],
  // in register tiles; n >= width.
  template <class A, class B, class C>
  static void rows_times_matrix(std::size_t count, std::size_t n, bool accumulate, std::size_t depth, A a, B b, C c) {
    // A ragged row's overlapping last vector stays in one tile with the
    // vector it overlaps: a tile loads all of c before it stores any, so an
    // accumulating product adds to each element once.
    const std::size_t vectors = vectors_of(n);
    const bool ragged = n % width != 0;
    for (std::size_t first = 0, slice; first < vectors; first += slice) {
      slice = std::min(max_tile_vectors, vectors - first);
      if (ragged && vectors - first - slice == 1) --slice;
      tiles_by_vectors(slice, count, n, first, accumulate, depth, a, b, c);
    }
  }

  // c[0:n] (+)= sum_k a[k] * b[k, 0:n] for k < depth: the row of c stays in
  // registers (at most 8 vectors; a ragged n ends with an overlapping
  // vector), split into independent chains over k so the multiply-adds are
  // not one long dependency.
  template <std::size_t Vectors, std::size_t Chains>
  static void row_tile(std::size_t depth, std::size_t n, bool accumulate, const float* a, const float* b, float* c) {
    std::array<std::size_t, Vectors> start;
    for (std::size_t v = 0; v < Vectors; ++v) start[v] = std::min(v * width, n - width);
    std::array<std::array<batch, Vectors>, Chains> partial;
    for (auto& chain : partial) chain.fill(batch(0.f));
    if (accumulate)
      for (std::size_t v = 0; v < Vectors; ++v) partial[0][v] = load(c + start[v]);
    // Chain and vector indices are compile-time in the unrolled inner loops,
    // so the accumulators stay in registers.
    auto step = [&](std::size_t k, std::array<batch, Vectors>& chain) {
      const batch scale(a[k]);
      for (std::size_t v = 0; v < Vectors; ++v) chain[v] = xsimd::fma(scale, load(b + k * n + start[v]), chain[v]);
    };
    std::size_t k = 0;
    for (; k + Chains <= depth; k += Chains)
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (step(k + I, partial[I]), ...);
      }(std::make_index_sequence<Chains>{});
    for (std::size_t chain = 0; k < depth; ++k, ++chain) step(k, partial[chain]);
    for (std::size_t v = 0; v < Vectors; ++v) {
      batch total = partial[0][v];
      for (std::size_t chain = 1; chain < Chains; ++chain) total += partial[chain][v];
      // Overlapping vectors hold identical values (same operations, same order).
      total.store_unaligned(c + start[v]);
    }
  }
  template <std::size_t Vectors, std::size_t Chains = 1>
  static void row_tile_chains(std::size_t chains, std::size_t depth, std::size_t n, bool accumulate, const float* a,
                              const float* b, float* c) {
    if (chains == Chains) return row_tile<Vectors, Chains>(depth, n, accumulate, a, b, c);
    if constexpr (Chains < 8 / Vectors) row_tile_chains<Vectors, Chains + 1>(chains, depth, n, accumulate, a, b, c);
  }
  template <std::size_t Vectors = 1>
  static void row_tile_of(std::size_t vectors, std::size_t chains, std::size_t depth, std::size_t n, bool accumulate,
                          const float* a, const float* b, float* c) {
    if (vectors == Vectors) return row_tile_chains<Vectors>(chains, depth, n, accumulate, a, b, c);
    if constexpr (Vectors < 8) row_tile_of<Vectors + 1>(vectors, chains, depth, n, accumulate, a, b, c);
  }
  static void row_times_matrix(std::size_t depth, std::size_t n, bool accumulate, const float* a, const float* b,
                               float* c);
  // The same for a row shorter than one vector (a transformer head's 8
  // features on AVX-512) in narrower vectors (simd_support.hpp) where the
  // instruction set has them; else, and for rows over 8 vectors, axpy.
  template <class A, class B>
  static void short_row(std::size_t n, bool accumulate, std::size_t depth, A a, B b, float* c) {
    if (n < width && narrow_width(n) > 1) {
      short_row_times(n, accumulate, depth, a, b, c);
    } else {
      if (!accumulate) std::fill(c, c + n, 0.f);
      for (std::size_t k = 0; k < depth; ++k) SimdElementwise::axpy(n, a(k), b(k), c);
    }
  }

  // C (+)= A B
  static void matmul(std::size_t rows, std::size_t depth, std::size_t cols, const float* a, const float* b, float* c,
                     bool accumulate) {
    for (std::size_t m = 0; m < rows; ++m) row_times_matrix(depth, cols, accumulate, a + m * depth, b, c + m * cols);
  }
  // dA += dC B^T (write: =). When dC's rows are shorter than a vector and
  // dA's are not (attention's scores q k^T and its dP = dy v^T: 8 features
  // a head, 16 tokens), each element's dot product would be a scalar loop;
  // instead B^T is laid out once and a block of dA's rows is one
  // register-tiled product over dA's whole width. Each element still sums
  // its terms from zero in the dot product's order, then is added to dA.
  // Not for one row (a classifier's dx): laying out B^T would cost as much
  // as the dot products it replaces; nor for a B^T over 16 KB of stack.
  static constexpr std::size_t transposed_limit = 4096;
  static void matmul_backward_a(std::size_t rows, std::size_t depth, std::size_t cols, const float* dc, const float* b,
                                float* da, bool write);
  // dB's rows stay in registers over all of A's rows (a block of them at a
  // time), instead of a load and a store of each per row of A; each element
  // still adds its terms in row order, one fused multiply-add each.
  static void matmul_backward_b(std::size_t rows, std::size_t depth, std::size_t cols, const float* a,
                                const float* dc, float* db);

  // ---- the same products over rows gathered from a batch -----------------------
  // B is shared by all rows, so register tiles over rows read each row of B
  // once per tile instead of once per row, and dB's rows stay in registers
  // over all rows.
  static void rows_matmul(std::size_t rows, std::size_t depth, std::size_t cols, Rows a, const float* b,
                          MutableRows c);
  static void rows_matmul_backward_b(std::size_t rows, std::size_t depth, std::size_t cols, Rows a, Rows dc,
                                     float* db);
};

}  // namespace ctgrad::kernels
