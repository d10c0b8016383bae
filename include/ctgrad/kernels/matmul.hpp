#pragma once
// The matrix-product kernel family, both paths, row-major:
// C[Rows, Cols] = A[Rows, Depth] B[Depth, Cols], its two vector-Jacobian
// products, and the same over rows gathered from a batch. (Depth, not K:
// in the ops K names the kernel path.) The SIMD path's register-blocked
// products (row_times_matrix, rows_times_matrix) serve convolution.hpp too.
#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include "ctgrad/kernels/elementwise.hpp"
#include "ctgrad/kernels/simd_support.hpp"

namespace ctgrad::kernels {

// ---- the scalar path -----------------------------------------------------------
struct ScalarMatmul {
  template <std::size_t Rows, std::size_t Depth, std::size_t Cols, bool Accumulate = false>  // C (+)= A B
  static void matmul(const float* a, const float* b, float* c) {
    for (std::size_t m = 0; m < Rows; ++m)
      for (std::size_t n = 0; n < Cols; ++n) {
        float sum = Accumulate ? c[m * Cols + n] : 0.f;
        for (std::size_t k = 0; k < Depth; ++k) sum += a[m * Depth + k] * b[k * Cols + n];
        c[m * Cols + n] = sum;
      }
  }
  template <std::size_t Rows, std::size_t Depth, std::size_t Cols, bool Write = false>  // dA += dC B^T (Write: =)
  static void matmul_backward_a(const float* dc, const float* b, float* da) {
    for (std::size_t m = 0; m < Rows; ++m)
      for (std::size_t k = 0; k < Depth; ++k) {
        float sum = 0;
        for (std::size_t n = 0; n < Cols; ++n) sum += dc[m * Cols + n] * b[k * Cols + n];
        if constexpr (Write)
          da[m * Depth + k] = sum;
        else
          da[m * Depth + k] += sum;
      }
  }
  template <std::size_t Rows, std::size_t Depth, std::size_t Cols>  // dB += A^T dC
  static void matmul_backward_b(const float* a, const float* dc, float* db) {
    for (std::size_t k = 0; k < Depth; ++k)
      for (std::size_t n = 0; n < Cols; ++n) {
        float sum = 0;
        for (std::size_t m = 0; m < Rows; ++m) sum += a[m * Depth + k] * dc[m * Cols + n];
        db[k * Cols + n] += sum;
      }
  }

  // ---- the same products over rows gathered from a batch ---------------------
  // Row r of A (and of C, dC) is reached through an accessor: in a batch the
  // rows of different examples are not contiguous. B is shared by all rows.
  template <std::size_t Depth, std::size_t Cols, class A, class C>  // c(r) = a(r)[0:Depth] B, r < rows
  static void rows_matmul(std::size_t rows, A a, const float* b, C c) {
    for (std::size_t r = 0; r < rows; ++r) matmul<1, Depth, Cols>(a(r), b, c(r));
  }
  template <std::size_t Depth, std::size_t Cols, class A, class DC>  // dB += sum_r a(r)^T dc(r)
  static void rows_matmul_backward_b(std::size_t rows, A a, DC dc, float* db) {
    for (std::size_t r = 0; r < rows; ++r) matmul_backward_b<1, Depth, Cols>(a(r), dc(r), db);
  }
};

// ---- the SIMD path ---------------------------------------------------------------
struct SimdMatmul : SimdSupport {
  // out[c] += dot(a, b + c * Stride) for c < Count: Count dot products against
  // one vector, reduced `width` at a time by one haddp (a transposing add)
  // instead of one horizontal add each.
  template <std::size_t N, std::size_t Count, std::size_t Stride, bool Write = false>
  static void dot_many(const float* a, const float* b, float* out) {
    if constexpr (N < width) {
      for (std::size_t c = 0; c < Count; ++c) {
        if constexpr (Write)
          out[c] = SimdElementwise::dot<N>(a, b + c * Stride);
        else
          out[c] += SimdElementwise::dot<N>(a, b + c * Stride);
      }
    } else {
      constexpr bool ragged = N % width != 0;
      const batch a_tail = ragged ? load(a + N - width) * ragged_tail_weights<N>() : batch(0.f);
      const auto& row_of_lane = haddp_row_of_lane();
      for (std::size_t first = 0; first < Count; first += width) {
        const std::size_t group = std::min(width, Count - first);
        std::array<batch, width> sums;
        for (std::size_t g = 0; g < width; ++g) {
          batch sum(0.f);
          if (g < group) {
            const float* row = b + (first + g) * Stride;
            for (std::size_t i = 0; i + width <= N; i += width) sum = xsimd::fma(load(a + i), load(row + i), sum);
            if constexpr (ragged) sum = xsimd::fma(a_tail, load(row + N - width), sum);
          }
          sums[g] = sum;
        }
        alignas(64) std::array<float, width> lanes;
        xsimd::haddp(sums.data()).store_aligned(lanes.data());
        for (std::size_t lane = 0; lane < width; ++lane)
          if (row_of_lane[lane] < group) {
            if constexpr (Write)
              out[first + row_of_lane[lane]] = lanes[lane];
            else
              out[first + row_of_lane[lane]] += lanes[lane];
          }
      }
    }
  }

  // For rows r < Rows: c(r)[0:N] (+)= sum_{k < depth} a(r, k) * b(k)[0:N].
  // All Rows x ceil(N / width) accumulators stay in registers for the whole
  // k loop, so each row b(k) is loaded once for every row of c. Rows are
  // reached through accessors because a sparse convolution's are scattered.
  // N >= width; a ragged N ends with an overlapping vector whose lanes repeat
  // the previous vector's values exactly (same loads, same operations).
  template <std::size_t Rows, std::size_t N, bool Accumulate, class A, class B, class C>
  static void rows_times_matrix(std::size_t depth, A a, B b, C c) {
    static_assert(N >= width, "rows_times_matrix: rows shorter than one vector take the axpy path");
    constexpr std::size_t vectors = (N + width - 1) / width;
    constexpr auto start = [](std::size_t v) { return std::min(v * width, N - width); };
    std::array<std::array<batch, vectors>, Rows> sums;
    unrolled<Rows>([&](auto r) {
      for (std::size_t v = 0; v < vectors; ++v) sums[r][v] = Accumulate ? load(c(r) + start(v)) : batch(0.f);
    });
    for (std::size_t k = 0; k < depth; ++k) {
      const float* row = b(k);
      std::array<batch, vectors> values;
      for (std::size_t v = 0; v < vectors; ++v) values[v] = load(row + start(v));
      unrolled<Rows>([&](auto r) {
        const batch scale(a(r, k));
        for (std::size_t v = 0; v < vectors; ++v) sums[r][v] = xsimd::fma(scale, values[v], sums[r][v]);
      });
    }
    unrolled<Rows>([&](auto r) {
      for (std::size_t v = 0; v < vectors; ++v) sums[r][v].store_unaligned(c(r) + start(v));
    });
  }
  // The same for `count` rows known only at run time: blocks of Block rows,
  // then one call sized exactly for the rest.
  template <std::size_t Block, std::size_t N, bool Accumulate, class A, class B, class C>
  static void rows_times_matrix(std::size_t count, std::size_t depth, A a, B b, C c) {
    std::size_t first = 0;
    const auto shifted = [&](auto accessor) {
      return [&first, accessor](std::size_t r, auto... k) { return accessor(first + r, k...); };
    };
    for (; first + Block <= count; first += Block)
      rows_times_matrix<Block, N, Accumulate>(depth, shifted(a), b, shifted(c));
    unrolled<Block>([&](auto rest) {
      if constexpr (rest > 0)
        if (count - first == rest) rows_times_matrix<rest, N, Accumulate>(depth, shifted(a), b, shifted(c));
    });
  }

  // c[0:N] (+)= sum_k a[k] * b[k, 0:N] for k < Depth: the row of c stays in
  // registers (at most 8 vectors; a ragged N ends with an overlapping
  // vector), split into independent chains over k so the multiply-adds are
  // not one long dependency.
  template <std::size_t Depth, std::size_t N, bool Accumulate>
  static void row_times_matrix(const float* a, const float* b, float* c) {
    constexpr std::size_t vectors = (N + width - 1) / width;
    if constexpr (N >= width && vectors <= 8) {
      constexpr std::size_t chains = std::max<std::size_t>(1, std::min<std::size_t>(Depth, 8 / vectors));
      constexpr auto start = [](std::size_t v) { return std::min(v * width, N - width); };
      std::array<std::array<batch, vectors>, chains> partial;
      for (auto& chain : partial) chain.fill(batch(0.f));
      if constexpr (Accumulate)
        for (std::size_t v = 0; v < vectors; ++v) partial[0][v] = load(c + start(v));
      // Chain and vector indices are compile-time in the unrolled inner loops,
      // so the accumulators stay in registers.
      auto step = [&](std::size_t k, std::array<batch, vectors>& chain) {
        const batch scale(a[k]);
        for (std::size_t v = 0; v < vectors; ++v) chain[v] = xsimd::fma(scale, load(b + k * N + start(v)), chain[v]);
      };
      std::size_t k = 0;
      for (; k + chains <= Depth; k += chains)
        [&]<std::size_t... C>(std::index_sequence<C...>) {
          (step(k + C, partial[C]), ...);
        }(std::make_index_sequence<chains>{});
      for (std::size_t chain = 0; k < Depth; ++k, ++chain) step(k, partial[chain]);
      for (std::size_t v = 0; v < vectors; ++v) {
        batch total = partial[0][v];
        for (std::size_t chain = 1; chain < chains; ++chain) total += partial[chain][v];
        // Overlapping vectors hold identical values (same operations, same order).
        total.store_unaligned(c + start(v));
      }
    } else {
      short_row<N, Accumulate>(
          Depth, [&](std::size_t k) { return a[k]; }, [&](std::size_t k) { return b + k * N; }, c);
    }
  }
  // The same for a row shorter than one vector (a transformer head's 8
  // features on AVX-512) in narrower vectors (simd_support.hpp) where the
  // instruction set has them; else, and for rows over 8 vectors, axpy.
  template <std::size_t N, bool Accumulate, class A, class B>
  static void short_row(std::size_t depth, A a, B b, float* c) {
    if constexpr (N < width && narrow_width<N>() > 1) {
      short_row_times<N, Accumulate>(depth, a, b, c);
    } else {
      if constexpr (!Accumulate) std::fill(c, c + N, 0.f);
      for (std::size_t k = 0; k < depth; ++k) SimdElementwise::axpy<N>(a(k), b(k), c);
    }
  }

  template <std::size_t Rows, std::size_t Depth, std::size_t Cols, bool Accumulate = false>  // C (+)= A B
  static void matmul(const float* a, const float* b, float* c) {
    for (std::size_t m = 0; m < Rows; ++m)
      row_times_matrix<Depth, Cols, Accumulate>(a + m * Depth, b, c + m * Cols);
  }
  // dA += dC B^T (Write: =). When dC's rows are shorter than a vector and
  // dA's are not (attention's scores q k^T and its dP = dy v^T: 8 features
  // a head, 16 tokens), each element's dot product would be a scalar loop;
  // instead B^T is laid out once and a block of dA's rows is one
  // register-blocked product over dA's whole width. Each element still sums
  // its terms from zero in the dot product's order, then is added to dA.
  // Not for one row (a classifier's dx): laying out B^T would cost as much
  // as the dot products it replaces; nor for a B^T over 16 KB of stack.
  template <std::size_t Rows, std::size_t Depth, std::size_t Cols, bool Write = false>
  static void matmul_backward_a(const float* dc, const float* b, float* da) {
    if constexpr (Cols < width && Depth >= width && Rows > 1 && Cols * Depth <= 4096) {
      std::array<float, Cols * Depth> b_t;  // [Cols, Depth]
      for (std::size_t k = 0; k < Depth; ++k)
        for (std::size_t n = 0; n < Cols; ++n) b_t[n * Depth + k] = b[k * Cols + n];
      constexpr std::size_t block = std::min(register_rows<Depth>, Rows), rest = Rows % block;
      std::array<float, Write ? 1 : block * Depth> dots;  // a block's dot products, then da +=
      const auto rows_from = [&]<std::size_t Count>(std::size_t first) {
        const auto out = [&](std::size_t r) { return Write ? da + (first + r) * Depth : dots.data() + r * Depth; };
        rows_times_matrix<Count, Depth, false>(
            Cols, [&](std::size_t r, std::size_t n) { return dc[(first + r) * Cols + n]; },
            [&](std::size_t n) { return b_t.data() + n * Depth; }, out);
        if constexpr (!Write)
          for (std::size_t r = 0; r < Count; ++r) SimdElementwise::accumulate<Depth>(out(r), da + (first + r) * Depth);
      };
      std::size_t first = 0;
      for (; first + block <= Rows; first += block) rows_from.template operator()<block>(first);
      if constexpr (rest > 0) rows_from.template operator()<rest>(first);
    } else {
      for (std::size_t m = 0; m < Rows; ++m) dot_many<Cols, Depth, Cols, Write>(dc + m * Cols, b, da + m * Depth);
    }
  }
  // dB's rows stay in registers over all of A's rows (a block of them at a
  // time), instead of a load and a store of each per row of A; each element
  // still adds its terms in row order, one fused multiply-add each.
  template <std::size_t Rows, std::size_t Depth, std::size_t Cols>  // dB += A^T dC
  static void matmul_backward_b(const float* a, const float* dc, float* db) {
    if constexpr (Cols >= width && Rows > 1) {
      rows_times_matrix<register_rows<Cols>, Cols, true>(
          Depth, Rows, [&](std::size_t k, std::size_t m) { return a[m * Depth + k]; },
          [&](std::size_t m) { return dc + m * Cols; }, [&](std::size_t k) { return db + k * Cols; });
    } else {
      for (std::size_t k = 0; k < Depth; ++k)
        short_row<Cols, true>(
            Rows, [&](std::size_t m) { return a[m * Depth + k]; }, [&](std::size_t m) { return dc + m * Cols; },
            db + k * Cols);
    }
  }

  // ---- the same products over rows gathered from a batch -----------------------
  // B is shared by all rows, so register blocks over rows read each row of B
  // once per block instead of once per row, and dB's rows stay in registers
  // over all rows.
  template <std::size_t Depth, std::size_t Cols, class A, class C>  // c(r) = a(r)[0:Depth] B, r < rows
  static void rows_matmul(std::size_t rows, A a, const float* b, C c) {
    if constexpr (Cols >= width) {
      rows_times_matrix<register_rows<Cols>, Cols, false>(
          rows, Depth, [&](std::size_t r, std::size_t k) { return a(r)[k]; },
          [&](std::size_t k) { return b + k * Cols; }, c);
    } else {
      for (std::size_t r = 0; r < rows; ++r) row_times_matrix<Depth, Cols, false>(a(r), b, c(r));
    }
  }
  template <std::size_t Depth, std::size_t Cols, class A, class DC>  // dB += sum_r a(r)^T dc(r)
  static void rows_matmul_backward_b(std::size_t rows, A a, DC dc, float* db) {
    if constexpr (Cols >= width) {
      rows_times_matrix<register_rows<Cols>, Cols, true>(
          Depth, rows, [&](std::size_t k, std::size_t r) { return a(r)[k]; }, dc,
          [&](std::size_t k) { return db + k * Cols; });
    } else {
      for (std::size_t r = 0; r < rows; ++r) matmul_backward_b<1, Depth, Cols>(a(r), dc(r), db);
    }
  }
};

}  // namespace ctgrad::kernels
