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
inline namespace CTGRAD_KERNEL_ISA {

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
    const std::size_t full = n / width;
    const auto with_full = [&]<std::size_t... F>(std::index_sequence<F...>) {
      return ((full == F + 1 ? (dot_many_of<F + 1>(n, count, stride, write, a, b, out), true) : false) || ...);
    };
    if (!with_full(std::make_index_sequence<8>{})) dot_many_of<0>(n, count, stride, write, a, b, out);
  }
  // dot_many for n >= width with Full = n / width whole vectors (0: read it
  // from n), a's vectors held in registers across the rows.
  // Each size a function of its own, so that a profile names the one that ran.
  template <std::size_t Full>
  [[gnu::noinline]] static void dot_many_of(std::size_t n, std::size_t count, std::size_t stride, bool write, const float* a,
                          const float* b, float* out) {
    const std::size_t full = Full ? Full : n / width;
    const bool ragged = n % width != 0;
    const batch a_tail = ragged ? load(a + n - width) * ragged_tail_weights(n) : batch(0.f);
    std::array<batch, Full ? Full : 1> a_vectors;
    if constexpr (Full > 0)
      for (std::size_t i = 0; i < Full; ++i) a_vectors[i] = load(a + i * width);
    const auto& row_of_lane = haddp_row_of_lane();
    // A group of `width` rows (the last one may have fewer: Whole false).
    const auto group_of = [&]<bool Whole>(std::size_t first, std::size_t group, std::bool_constant<Whole>) {
      std::array<batch, width> sums;
      for (std::size_t g = 0; g < width; ++g) {
        batch sum(0.f);
        if (Whole || g < group) {
          const float* row = b + (first + g) * stride;
          for (std::size_t i = 0; i < full; ++i)
            sum = multiply_add(Full ? a_vectors[Full ? i : 0] : load(a + i * width), load(row + i * width), sum);
          if (ragged) sum = multiply_add(a_tail, load(row + n - width), sum);
        }
        sums[g] = sum;
      }
      alignas(64) std::array<float, width> lanes;
      xsimd::haddp(sums.data()).store_aligned(lanes.data());
      for (std::size_t lane = 0; lane < width; ++lane)
        if (Whole || row_of_lane[lane] < group) {
          float& target = out[first + row_of_lane[lane]];
          target = write ? lanes[lane] : target + lanes[lane];
        }
    };
    std::size_t first = 0;
    for (; first + width <= count; first += width) group_of(first, width, std::true_type{});
    if (first < count) group_of(first, count - first, std::false_type{});
  }

  // db[k, 0:n] += a[k] * dc[0:n] for k < depth (dB of a one-row product):
  // dc's Vectors vectors stay in registers; each element is one fused
  // multiply-add, as axpy's, and a row's vectors are all loaded before any
  // is stored (a ragged n's overlapping last vector), as axpy does.
  // Vector: batch, or a narrower one (simd_support.hpp) for a row below one
  // vector, as short_row_times uses there.
  template <std::size_t Vectors, class Vector = batch>
  static void outer_product(std::size_t depth, std::size_t n, const float* a, const float* dc, float* db) {
    constexpr std::size_t lanes = Vector::size;
    std::array<std::size_t, Vectors> start;
    std::array<Vector, Vectors> x;
    for (std::size_t v = 0; v < Vectors; ++v) {
      start[v] = std::min(v * lanes, n - lanes);
      x[v] = Vector::load_unaligned(dc + start[v]);
    }
    for (std::size_t k = 0; k < depth; ++k) {
      const Vector scale(a[k]);
      float* row = db + k * n;
      std::array<Vector, Vectors> y;
      for (std::size_t v = 0; v < Vectors; ++v) y[v] = multiply_add(scale, x[v], Vector::load_unaligned(row + start[v]));
      for (std::size_t v = 0; v < Vectors; ++v) y[v].store_unaligned(row + start[v]);
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
  // Rows r are row0 + r of the product.
  template <std::size_t Rows, std::size_t Vectors, class A, class B, class C>
  static void tile(std::size_t n, std::size_t first, std::size_t row0, bool accumulate, std::size_t depth, A a, B b,
                   C c) {
    std::array<std::size_t, Vectors> start;
    for (std::size_t v = 0; v < Vectors; ++v) start[v] = std::min((first + v) * width, n - width);
    std::array<float*, Rows> out;
    unrolled<Rows>([&](auto r) { out[r] = c(row0 + r); });
    std::array<std::array<batch, Vectors>, Rows> sums;
    unrolled<Rows>([&](auto r) {
      for (std::size_t v = 0; v < Vectors; ++v) sums[r][v] = accumulate ? load(out[r] + start[v]) : batch(0.f);
    });
    for (std::size_t k = 0; k < depth; ++k) {
      const float* row = b(k);
      std::array<batch, Vectors> values;
      for (std::size_t v = 0; v < Vectors; ++v) values[v] = load(row + start[v]);
      unrolled<Rows>([&](auto r) {
        const batch scale(a(row0 + r, k));
        for (std::size_t v = 0; v < Vectors; ++v) sums[r][v] = multiply_add(scale, values[v], sums[r][v]);
      });
    }
    unrolled<Rows>([&](auto r) {
      for (std::size_t v = 0; v < Vectors; ++v) sums[r][v].store_unaligned(out[r] + start[v]);
    });
  }

  // The tile shapes compiled. Wider rows go in slices of at most
  // max_tile_vectors vectors, taller blocks in tiles of at most
  // tile_rows_for(vectors) rows; each element's sum is the same whichever
  // tile computes it (the same multiply-adds in the same order), so these
  // bounds change speed and compile time, never bits. Past 16 rows a tile
  // saves only loads of b's row, one per 16 multiply-adds or more, while
  // AVX-512's 32 registers would compile 72 shapes for each product: 59
  // with the bound, a third less compile time for the same speed
  // (docs/performance.md, "Build time").
  static constexpr std::size_t max_tile_vectors = 8;
  static constexpr std::size_t tile_row_limit = 16;
  static constexpr std::size_t max_tile_rows = std::min(register_rows_for(1), tile_row_limit);
  static constexpr std::size_t tile_rows_for(std::size_t vectors) {
    return std::min(register_rows_for(vectors), tile_row_limit);
  }

  // Every tile of one product's accessors, by [vectors - 1][rows - 1]
  // (null beyond a tile's register budget): one indexed call per tile
  // instead of a chain of comparisons.
  template <class A, class B, class C>
  struct Tiles {
    using Tile = void (*)(std::size_t, std::size_t, std::size_t, bool, std::size_t, A, B, C);
    template <std::size_t Vectors, std::size_t... R>
    static constexpr std::array<Tile, max_tile_rows> tiles_of(std::index_sequence<R...>) {
      return {&tile<R + 1, Vectors, A, B, C>...};
    }
    template <std::size_t... V>
    static constexpr std::array<std::array<Tile, max_tile_rows>, max_tile_vectors> all(std::index_sequence<V...>) {
      return {tiles_of<V + 1>(std::make_index_sequence<tile_rows_for(V + 1)>{})...};
    }
    static constexpr auto table = all(std::make_index_sequence<max_tile_vectors>{});
  };

  // For rows r < count: c(r)[0:n] (+)= sum_{k < depth} a(r, k) * b(k)[0:n],
  // in register tiles (as many full ones as fit, then one of the rest); n >=
  // width.
  template <class A, class B, class C>
  static void rows_times_matrix(std::size_t count, std::size_t n, bool accumulate, std::size_t depth, A a, B b, C c) {
    // A ragged row's overlapping last vector stays in one tile with the
    // vector it overlaps: a tile loads all of c before it stores any, so an
    // accumulating product adds to each element once.
    const std::size_t vectors = vectors_of(n);
    const bool ragged = n % width != 0;
    const auto& table = Tiles<A, B, C>::table;
    for (std::size_t first = 0, slice; first < vectors; first += slice) {
      slice = std::min(max_tile_vectors, vectors - first);
      if (ragged && vectors - first - slice == 1) --slice;
      const std::size_t full = tile_rows_for(slice);
      for (std::size_t row0 = 0; row0 < count; row0 += full)
        table[slice - 1][std::min(full, count - row0) - 1](n, first, row0, accumulate, depth, a, b, c);
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
      for (std::size_t v = 0; v < Vectors; ++v) chain[v] = multiply_add(scale, load(b + k * n + start[v]), chain[v]);
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

  // A matrix's rows, for the register tiles of a product over several rows
  // (one accessor type for all of them: one set of tiles compiled).
  struct RowsOf {
    const float* data;
    std::size_t stride;
    float operator()(std::size_t r, std::size_t k) const { return data[r * stride + k]; }
    const float* operator()(std::size_t k) const { return data + k * stride; }
  };
  struct MutableRowsOf {
    float* data;
    std::size_t stride;
    float* operator()(std::size_t r) const { return data + r * stride; }
  };
  // C (+)= A B. Several rows at least a vector wide (a transformer's tokens)
  // are one register-tiled product, so each row of B is loaded once per tile
  // of C's rows; a single row (a classifier's per-example layer) is a row
  // of C in registers over chained multiply-adds.
  static void matmul(std::size_t rows, std::size_t depth, std::size_t cols, const float* a, const float* b, float* c,
                     bool accumulate);
  // dA += dC B^T (write: =). For several rows where dA's are at least a
  // vector wide (a transformer's tokens; attention's scores q k^T and its
  // dP = dy v^T: 8 features a head, 16 tokens), B^T is laid out once and a
  // block of dA's rows is one register-tiled product over dA's whole width,
  // each element summing its terms from zero in order, then added to dA;
  // instead of a dot product per element, reduced across a vector's lanes.
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

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
