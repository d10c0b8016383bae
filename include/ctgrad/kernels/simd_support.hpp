#pragma once
// What every SIMD kernel family builds on: the vector type xsimd picks at
// compile time (AVX-512 with -march=native on this machine, SSE2 in a
// portable build), loads, the elementwise applier, and register blocking.
// The families (elementwise.hpp, matmul.hpp, convolution.hpp, optimizer.hpp)
// derive from SimdSupport so their kernels read `load(x + i)`, `width`.
//
// Extents are compile-time, so every loop is fully known to the compiler.
// Ragged lengths (LeNet-1's 30 and 10) use an overlapping last vector
// instead of a scalar tail: see elementwise().
#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <xsimd/xsimd.hpp>

namespace ctgrad::kernels {

struct SimdSupport {
  using batch = xsimd::batch<float>;
  static constexpr std::size_t width = batch::size;

  static batch load(const float* at) { return batch::load_unaligned(at); }

  // Computes result(i) for the vectors covering [0, N) and hands each to
  // store(i, value). When N is not a multiple of the width, the last vector
  // starts at N - width and overlaps the one before; both are computed from
  // values loaded before either is stored, so in-place updates (y += ...)
  // see each element once. Below one vector's length, tail(i) does the work:
  // a call of the family's element function (elementwise.hpp), the same one
  // the scalar path loops over.
  template <std::size_t N, class Vector, class Store, class Tail>
  static void elementwise(Vector result, Store store, Tail tail) {
    if constexpr (N < width) {
      for (std::size_t i = 0; i < N; ++i) tail(i);
    } else {
      constexpr std::size_t full = N / width;
      constexpr bool ragged = N % width != 0;
      constexpr std::size_t straight = ragged ? full - 1 : full;
      for (std::size_t v = 0; v < straight; ++v) store(v * width, result(v * width));
      if constexpr (ragged) {
        const batch last_full = result((full - 1) * width);
        const batch overlap = result(N - width);
        store((full - 1) * width, last_full);
        store(N - width, overlap);
      }
    }
  }

  // The widest vector narrower than `batch` that fits in N floats (8 or 4
  // lanes, where the instruction set has them), or 1: none.
  template <std::size_t N>
  static constexpr std::size_t narrow_width() {
    if constexpr (width > 8 && N >= 8 && !std::is_void_v<xsimd::make_sized_batch_t<float, 8>>)
      return 8;
    else if constexpr (width > 4 && N >= 4 && !std::is_void_v<xsimd::make_sized_batch_t<float, 4>>)
      return 4;
    else
      return 1;
  }

  // c[0:N] (+)= sum_k a(k) * b(k)[0:N] for k < depth, N below one vector
  // and narrow_width<N>() > 1: the widest narrower vectors, held in
  // registers over k (a ragged N ends with an overlapping one, as
  // elementwise() does); each element adds its terms in k order, one fused
  // multiply-add each, as the scalar path's element::multiply_add does.
  template <std::size_t N, bool Accumulate, class A, class B>
  static void short_row_times(std::size_t depth, A a, B b, float* c) {
    static_assert(N < width && narrow_width<N>() > 1, "short_row_times: rows below one vector, with a narrower one");
    using narrow = xsimd::make_sized_batch_t<float, narrow_width<N>()>;
    constexpr std::size_t w = narrow::size, vectors = (N + w - 1) / w;
    constexpr auto start = [](std::size_t v) { return std::min(v * w, N - w); };
    std::array<narrow, vectors> sums;
    for (std::size_t v = 0; v < vectors; ++v) sums[v] = Accumulate ? narrow::load_unaligned(c + start(v)) : narrow(0.f);
    for (std::size_t k = 0; k < depth; ++k) {
      const narrow scale(a(k));
      const float* row = b(k);
      for (std::size_t v = 0; v < vectors; ++v)
        sums[v] = xsimd::fma(scale, narrow::load_unaligned(row + start(v)), sums[v]);
    }
    for (std::size_t v = 0; v < vectors; ++v) sums[v].store_unaligned(c + start(v));
  }

  // For a ragged length N, the last vector starts at N - width; these weights
  // (0 on lanes already covered, 1 on the rest) make it add only new elements.
  template <std::size_t N>
  static batch ragged_tail_weights() {
    alignas(64) std::array<float, width> weights{};
    for (std::size_t lane = width - N % width; lane < width; ++lane) weights[lane] = 1.f;
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
  // Vector registers of the target (AVX-512 has 32, SSE and AVX 16): blocks
  // in matmul.hpp and convolution.hpp are sized so their accumulators stay
  // in registers.
  static constexpr std::size_t registers = width >= 16 ? 32 : 16;

  // f(std::integral_constant<I>) for I < N, unrolled, so that array indices
  // inside f are constants and the arrays can live in registers.
  template <std::size_t N, class F>
  static void unrolled(F f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::integral_constant<std::size_t, I>{}), ...);
    }(std::make_index_sequence<N>{});
  }

  // How many rows of N floats one rows_times_matrix call keeps in registers
  // (leaving room for the row of b and the broadcast scale). A row wider
  // than the registers gets a block of one row, which spills (the unsigned
  // difference used to wrap around to a block of 2^60 rows: SSE2 could not
  // compile a 64-wide rows_matmul).
  template <std::size_t N>
  static constexpr std::size_t register_rows = [] {
    constexpr std::size_t vectors = (N + width - 1) / width;
    return registers > vectors + 2 ? std::max<std::size_t>(1, (registers - 2 - vectors) / vectors) : 1;
  }();
};

}  // namespace ctgrad::kernels
