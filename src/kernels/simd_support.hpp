#pragma once
// What every SIMD kernel family builds on: the vector type xsimd picks for
// the instruction set this file is compiled for, loads, the elementwise
// applier, and register blocking. The families (elementwise.hpp, matmul.hpp,
// convolution.hpp, pooling.hpp, optimizer.hpp) derive from SimdSupport so
// their kernels read `load(x + i)`, `width`.
//
// Extents are run-time values; what must be known at compile time to keep
// accumulators in registers (a tile's rows and vectors) is a template
// parameter, chosen from the extents by a dispatch over a fixed set of
// tiles. Ragged lengths (LeNet-1's 30 and 10) use an overlapping last vector
// instead of a scalar tail: see elementwise().
#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <immintrin.h>
#include <xsimd/xsimd.hpp>

#include "src/kernels/isa.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

struct SimdSupport {
  using batch = xsimd::batch<float>;
  static constexpr std::size_t width = batch::size;

  static batch load(const float* at) { return batch::load_unaligned(at); }

  // a * b + c, one rounding, wherever the instruction set has fused
  // multiply-adds (every set but sse2); V is batch or a narrower vector.
  // Not xsimd::fma: xsimd 8.1 computes it as a multiply and an add for
  // AVX-512's 16-float vector and for 4-float ones even where FMA
  // instructions are enabled, and -ffp-contract=off keeps both roundings.
  template <class V>
  static V multiply_add(const V& a, const V& b, const V& c) {
#ifdef __FMA__
    if constexpr (V::size == 4) return V(_mm_fmadd_ps(a, b, c));
    if constexpr (V::size == 8) return V(_mm256_fmadd_ps(a, b, c));
#ifdef __AVX512F__
    if constexpr (V::size == 16) return V(_mm512_fmadd_ps(a, b, c));
#endif
#endif
    return xsimd::fma(a, b, c);
  }
  // c - a * b, the same way.
  template <class V>
  static V negated_multiply_add(const V& a, const V& b, const V& c) {
#ifdef __FMA__
    if constexpr (V::size == 4) return V(_mm_fnmadd_ps(a, b, c));
    if constexpr (V::size == 8) return V(_mm256_fnmadd_ps(a, b, c));
#ifdef __AVX512F__
    if constexpr (V::size == 16) return V(_mm512_fnmadd_ps(a, b, c));
#endif
#endif
    return xsimd::fnma(a, b, c);
  }

  // Computes result(i) for the vectors covering [0, n) and hands each to
  // store(i, value). When n is not a multiple of the width, the last vector
  // starts at n - width and overlaps the one before; both are computed from
  // values loaded before either is stored, so in-place updates (y += ...)
  // see each element once. Below one vector's length, tail(i) does the work:
  // a call of the family's element function (element.hpp), the same one the
  // scalar path loops over.
  template <class Vector, class Store, class Tail>
  static void elementwise(std::size_t n, Vector result, Store store, Tail tail) {
    if (n < width) {
      for (std::size_t i = 0; i < n; ++i) tail(i);
      return;
    }
    const std::size_t full = n / width;
    const bool ragged = n % width != 0;
    const std::size_t straight = ragged ? full - 1 : full;
    for (std::size_t v = 0; v < straight; ++v) store(v * width, result(v * width));
    if (ragged) {
      const batch last_full = result((full - 1) * width);
      const batch overlap = result(n - width);
      store((full - 1) * width, last_full);
      store(n - width, overlap);
    }
  }

  // The widest vector narrower than `batch` that fits in n floats (8 or 4
  // lanes, where the instruction set has them), or 1: none.
  static constexpr bool has_narrow(std::size_t lanes) {
    if (lanes == 8) return !std::is_void_v<xsimd::make_sized_batch_t<float, 8>>;
    return !std::is_void_v<xsimd::make_sized_batch_t<float, 4>>;
  }
  static constexpr std::size_t narrow_width(std::size_t n) {
    if (width > 8 && n >= 8 && has_narrow(8)) return 8;
    if (width > 4 && n >= 4 && has_narrow(4)) return 4;
    return 1;
  }

  // c[0:n] (+)= sum_k a(k) * b(k)[0:n] for k < depth, n below one vector
  // and narrow_width(n) > 1: the widest narrower vectors, held in registers
  // over k (a ragged n ends with an overlapping one, as elementwise() does);
  // each element adds its terms in k order, one fused multiply-add each, as
  // the scalar path's element::multiply_add does.
  template <class A, class B>
  static void short_row_times(std::size_t n, bool accumulate, std::size_t depth, A a, B b, float* c) {
    if constexpr (width > 8 && has_narrow(8)) {
      if (narrow_width(n) == 8) {
        if (n > 8)
          return narrow_row_times<8, 2>(n, accumulate, depth, a, b, c);
        else
          return narrow_row_times<8, 1>(n, accumulate, depth, a, b, c);
      }
    }
    if constexpr (width > 4 && has_narrow(4)) {
      if (n > 4)
        return narrow_row_times<4, 2>(n, accumulate, depth, a, b, c);
      else
        return narrow_row_times<4, 1>(n, accumulate, depth, a, b, c);
    }
  }
  template <std::size_t Lanes, std::size_t Vectors, class A, class B>
  static void narrow_row_times(std::size_t n, bool accumulate, std::size_t depth, A a, B b, float* c) {
    using narrow = xsimd::make_sized_batch_t<float, Lanes>;
    const auto start = [n](std::size_t v) { return std::min(v * Lanes, n - Lanes); };
    std::array<narrow, Vectors> sums;
    for (std::size_t v = 0; v < Vectors; ++v) sums[v] = accumulate ? narrow::load_unaligned(c + start(v)) : narrow(0.f);
    for (std::size_t k = 0; k < depth; ++k) {
      const narrow scale(a(k));
      const float* row = b(k);
      for (std::size_t v = 0; v < Vectors; ++v)
        sums[v] = multiply_add(scale, narrow::load_unaligned(row + start(v)), sums[v]);
    }
    for (std::size_t v = 0; v < Vectors; ++v) sums[v].store_unaligned(c + start(v));
  }

  // to[0:n] = from[0:n], for the short rows of a patch matrix or a frame
  // (a convolution's out_w floats): whole vectors, the last one overlapping
  // its neighbour, narrower vectors below one vector. A libc memcpy call of a
  // run-time size costs more than such a row's copy.
  static void copy_floats(float* to, const float* from, std::size_t n) {
    if (n >= width) {
      for (std::size_t i = 0; i + width <= n; i += width) load(from + i).store_unaligned(to + i);
      if (n % width != 0) load(from + n - width).store_unaligned(to + n - width);
      return;
    }
    if constexpr (width > 8 && has_narrow(8)) {
      if (n >= 8) return copy_narrow<8>(to, from, n);
    }
    if constexpr (width > 4 && has_narrow(4)) {
      if (n >= 4) return copy_narrow<4>(to, from, n);
    }
    for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
  }
  template <std::size_t Lanes>
  static void copy_narrow(float* to, const float* from, std::size_t n) {  // Lanes <= n < 2 Lanes
    using narrow = xsimd::make_sized_batch_t<float, Lanes>;
    const narrow first = narrow::load_unaligned(from);
    if (n == Lanes) return first.store_unaligned(to);
    const narrow last = narrow::load_unaligned(from + n - Lanes);
    first.store_unaligned(to);
    last.store_unaligned(to + n - Lanes);
  }

  // For a ragged length n, the last vector starts at n - width; these weights
  // (0 on lanes already covered, 1 on the rest) make it add only new elements.
  static batch ragged_tail_weights(std::size_t n) {
    alignas(64) std::array<float, width> weights{};
    for (std::size_t lane = width - n % width; lane < width; ++lane) weights[lane] = 1.f;
    return batch::load_aligned(weights.data());
  }

  // Which row's sum lane k of xsimd::haddp(rows) holds. It should be k, but
  // xsimd 8.1's AVX-512 haddp returns the sums with 128-bit blocks permuted
  // (1 2 5 6 3 4 7 8 ...); the order is read once, so this is right either way.
  static const std::array<std::size_t, width>& haddp_row_of_lane() {
    static const std::array<std::size_t, width> order = [] {
      std::array<batch, width> rows;
      for (std::size_t row = 0; row < width; ++row) {
        alignas(64) std::array<float, width> lanes{};
        lanes[0] = static_cast<float>(row);
        rows[row] = batch::load_aligned(lanes.data());
      }
      alignas(64) std::array<float, width> sums;
      xsimd::haddp(rows.data()).store_aligned(sums.data());
      std::array<std::size_t, width> result;
      for (std::size_t lane = 0; lane < width; ++lane) result[lane] = static_cast<std::size_t>(sums[lane]);
      return result;
    }();
    return order;
  }

  // ---- register blocking ---------------------------------------------------------
  // Vector registers of the target (AVX-512 has 32, SSE and AVX 16): tiles
  // in matmul.hpp and convolution.hpp are sized so their accumulators stay
  // in registers.
  static constexpr std::size_t registers = width >= 16 ? 32 : 16;

  static constexpr std::size_t vectors_of(std::size_t n) { return (n + width - 1) / width; }

  // f(std::integral_constant<I>) for I < N, unrolled, so that array indices
  // inside f are constants and the arrays can live in registers.
  template <std::size_t N, class F>
  static void unrolled(F f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::integral_constant<std::size_t, I>{}), ...);
    }(std::make_index_sequence<N>{});
  }

  // How many rows of `vectors` vectors one register tile keeps (leaving
  // room for the row of b and the broadcast scale). A row wider than the
  // registers gets a tile of one row.
  static constexpr std::size_t register_rows_for(std::size_t vectors) {
    return registers > vectors + 2 ? std::max<std::size_t>(1, (registers - 2 - vectors) / vectors) : 1;
  }
  static constexpr std::size_t register_rows(std::size_t n) { return register_rows_for(vectors_of(n)); }
};

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
