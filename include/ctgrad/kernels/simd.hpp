#pragma once
// The SIMD kernel path, written once against xsimd::batch<float> for the
// architecture xsimd picks at compile time (AVX-512 with -march=native on this
// machine, SSE2 in a portable build).
//
// Extents are compile-time, so every loop below is fully known to the
// compiler. Ragged lengths (LeNet-1's 30 and 10) use an overlapping last
// vector instead of a scalar tail: see elementwise().
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <utility>

#include <xsimd/xsimd.hpp>

#include "ctgrad/kernels/adamw_update.hpp"
#include "ctgrad/kernels/conv_geometry.hpp"
#include "ctgrad/kernels/scalar.hpp"

namespace ctgrad::kernels {

struct Simd {
  static constexpr const char* name = "simd";
  // The instruction set xsimd compiled for ("avx512bw", "avx2", "sse2", ...):
  // a consumer built without -march (or ctgrad::native) gets sse2 on x86-64.
  static constexpr const char* arch() { return xsimd::default_arch::name(); }
  using batch = xsimd::batch<float>;
  static constexpr std::size_t width = batch::size;

  static batch load(const float* at) { return batch::load_unaligned(at); }

  // Computes result(i) for the vectors covering [0, N) and hands each to
  // store(i, value). When N is not a multiple of the width, the last vector
  // starts at N - width and overlaps the one before; both are computed from
  // values loaded before either is stored, so in-place updates (y += ...)
  // see each element once. Below one vector's length, scalar(i) does the work.
  template <std::size_t N, class Vector, class Store, class Scalar>
  static void elementwise(Vector result, Store store, Scalar scalar) {
    if constexpr (N < width) {
      for (std::size_t i = 0; i < N; ++i) scalar(i);
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

  // ---- elementwise --------------------------------------------------------
  // The exact GELU, 0.5 x (1 + erf(x / sqrt 2)); backward from the saved input:
  // dx += dy * (Phi(x) + x phi(x)). Constants: 1/sqrt(2) and 1/sqrt(2 pi).
  template <std::size_t N>
  static void gelu_forward(const float* x, float* y) {
    const batch half(0.5f), one(1.f), inverse_sqrt2(0.70710678f);
    elementwise<N>(
        [&](std::size_t i) {
          const batch v = load(x + i);
          return half * v * (one + xsimd::erf(v * inverse_sqrt2));
        },
        [&](std::size_t i, batch v) { v.store_unaligned(y + i); },
        [&](std::size_t i) { y[i] = 0.5f * x[i] * (1.f + std::erf(x[i] * 0.70710678f)); });
  }
  template <std::size_t N>
  static void gelu_backward(const float* x, const float* dy, float* dx) {
    const batch half(0.5f), one(1.f), inverse_sqrt2(0.70710678f), inverse_sqrt_2pi(0.39894228f);
    elementwise<N>(
        [&](std::size_t i) {
          const batch v = load(x + i);
          const batch cdf = half * (one + xsimd::erf(v * inverse_sqrt2));
          const batch density = inverse_sqrt_2pi * xsimd::exp(-half * v * v);
          return xsimd::fma(load(dy + i), xsimd::fma(v, density, cdf), load(dx + i));
        },
        [&](std::size_t i, batch v) { v.store_unaligned(dx + i); },
        [&](std::size_t i) {
          const float cdf = 0.5f * (1.f + std::erf(x[i] * 0.70710678f));
          dx[i] += dy[i] * (cdf + x[i] * 0.39894228f * std::exp(-0.5f * x[i] * x[i]));
        });
  }
  template <std::size_t N>
  static void relu_forward(const float* x, float* y) {
    const batch zero(0.f);
    elementwise<N>([&](std::size_t i) { return xsimd::max(load(x + i), zero); },
                   [&](std::size_t i, batch v) { v.store_unaligned(y + i); },
                   [&](std::size_t i) { y[i] = x[i] > 0.f ? x[i] : 0.f; });
  }
  template <std::size_t N>
  static void relu_backward(const float* y, const float* dy, float* dx) {
    const batch zero(0.f);
    elementwise<N>(
        [&](std::size_t i) {
          const batch before = load(dx + i);
          return xsimd::select(load(y + i) > zero, before + load(dy + i), before);
        },
        [&](std::size_t i, batch v) { v.store_unaligned(dx + i); },
        [&](std::size_t i) {
          if (y[i] > 0.f) dx[i] += dy[i];
        });
  }
  template <std::size_t N>
  static void add(const float* a, const float* b, float* out) {
    elementwise<N>([&](std::size_t i) { return load(a + i) + load(b + i); },
                   [&](std::size_t i, batch v) { v.store_unaligned(out + i); },
                   [&](std::size_t i) { out[i] = a[i] + b[i]; });
  }
  template <std::size_t N>
  static void accumulate(const float* source, float* target) {
    elementwise<N>([&](std::size_t i) { return load(target + i) + load(source + i); },
                   [&](std::size_t i, batch v) { v.store_unaligned(target + i); },
                   [&](std::size_t i) { target[i] += source[i]; });
  }
  // AdamW, in place: whole vectors, then the scalar formula for the tail
  // (an overlapping vector would update its elements twice).
  template <std::size_t N>
  static void adamw_update(const AdamWConstants& c, float* value, const float* grad, float* exp_avg,
                           float* exp_avg_sq) {
    const batch decay(c.decay), one_minus_beta1(c.one_minus_beta1), beta2(c.beta2),
        one_minus_beta2(c.one_minus_beta2), step_size(c.step_size), bias_correction2_sqrt(c.bias_correction2_sqrt),
        eps(c.eps);
    constexpr std::size_t vectors = N / width;
    for (std::size_t i = 0; i < vectors * width; i += width) {
      const batch g = load(grad + i);
      const batch m = xsimd::fma(g - load(exp_avg + i), one_minus_beta1, load(exp_avg + i));
      const batch v = xsimd::fma(load(exp_avg_sq + i), beta2, one_minus_beta2 * g * g);
      const batch denominator = xsimd::sqrt(v) / bias_correction2_sqrt + eps;
      (load(value + i) * decay - step_size * m / denominator).store_unaligned(value + i);
      m.store_unaligned(exp_avg + i);
      v.store_unaligned(exp_avg_sq + i);
    }
    for (std::size_t i = vectors * width; i < N; ++i) adamw_update_one(c, value[i], grad[i], exp_avg[i], exp_avg_sq[i]);
  }
  template <std::size_t N>
  static void axpy(float alpha, const float* x, float* y) {
    const batch a(alpha);
    elementwise<N>([&](std::size_t i) { return xsimd::fma(a, load(x + i), load(y + i)); },
                   [&](std::size_t i, batch v) { v.store_unaligned(y + i); },
                   [&](std::size_t i) { y[i] += alpha * x[i]; });
  }
  // SGD's update, value += -lr * grad, and the gradient's reset for the next
  // step in one pass over both (they do not fit L1 together).
  template <std::size_t N>
  static void sgd_update(float learning_rate, float* grad, float* value) {
    const batch scale(-learning_rate), zero(0.f);
    elementwise<N>([&](std::size_t i) { return xsimd::fma(scale, load(grad + i), load(value + i)); },
                   [&](std::size_t i, batch v) {
                     v.store_unaligned(value + i);
                     zero.store_unaligned(grad + i);
                   },
                   [&](std::size_t i) {
                     value[i] += -learning_rate * grad[i];
                     grad[i] = 0.f;
                   });
  }
  // For a ragged length N, the last vector starts at N - width; these weights
  // (0 on lanes already covered, 1 on the rest) make it add only new elements.
  template <std::size_t N>
  static batch ragged_tail_weights() {
    alignas(64) std::array<float, width> weights{};
    for (std::size_t lane = width - N % width; lane < width; ++lane) weights[lane] = 1.f;
    return batch::load_aligned(weights.data());
  }

  template <std::size_t N>
  static float dot(const float* a, const float* b) {
    if constexpr (N < width) {
      float total = 0;
      for (std::size_t i = 0; i < N; ++i) total += a[i] * b[i];
      return total;
    } else {
      batch sum(0.f);
      for (std::size_t i = 0; i + width <= N; i += width) sum = xsimd::fma(load(a + i), load(b + i), sum);
      if constexpr (N % width != 0)
        sum = xsimd::fma(load(a + N - width) * ragged_tail_weights<N>(), load(b + N - width), sum);
      return xsimd::hadd(sum);
    }
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

  // out[c] += dot(a, b + c * Stride) for c < Count: Count dot products against
  // one vector, reduced `width` at a time by one haddp (a transposing add)
  // instead of one horizontal add each.
  template <std::size_t N, std::size_t Count, std::size_t Stride, bool Write = false>
  static void dot_many(const float* a, const float* b, float* out) {
    if constexpr (N < width) {
      for (std::size_t c = 0; c < Count; ++c) {
        if constexpr (Write)
          out[c] = dot<N>(a, b + c * Stride);
        else
          out[c] += dot<N>(a, b + c * Stride);
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
  template <std::size_t N>
  static void tanh_forward(const float* x, float* y) {
    if constexpr (N < width) {  // LeNet-1's 10 outputs: one padded vector beats N calls of std::tanh
      alignas(64) std::array<float, width> lanes{};
      std::copy_n(x, N, lanes.data());
      xsimd::tanh(batch::load_aligned(lanes.data())).store_aligned(lanes.data());
      std::copy_n(lanes.data(), N, y);
      return;
    }
    elementwise<N>([&](std::size_t i) { return xsimd::tanh(load(x + i)); },
                   [&](std::size_t i, batch v) { v.store_unaligned(y + i); },
                   [&](std::size_t i) { y[i] = std::tanh(x[i]); });
  }
  // Write: dx = dy (1 - y^2), for dx's first writer; the same value as
  // adding it to a zeroed dx.
  template <std::size_t N, bool Write = false>
  static void tanh_backward(const float* y, const float* dy, float* dx) {
    const batch one(1.f);
    elementwise<N>(
        [&](std::size_t i) {
          const batch out = load(y + i);
          if constexpr (Write)
            return load(dy + i) * xsimd::fnma(out, out, one);
          else
            return xsimd::fma(load(dy + i), xsimd::fnma(out, out, one), load(dx + i));
        },
        [&](std::size_t i, batch v) { v.store_unaligned(dx + i); },
        [&](std::size_t i) {
          if constexpr (Write)
            dx[i] = dy[i] * (1.f - y[i] * y[i]);
          else
            dx[i] += dy[i] * (1.f - y[i] * y[i]);
        });
  }

  // ---- the everyday ops: the formulas are Scalar's (its N = 1 kernels are the tails) ----
  template <std::size_t N>
  static void multiply(const float* a, const float* b, float* out) {
    elementwise<N>([&](std::size_t i) { return load(a + i) * load(b + i); },
                   [&](std::size_t i, batch v) { v.store_unaligned(out + i); },
                   [&](std::size_t i) { Scalar::multiply<1>(a + i, b + i, out + i); });
  }
  template <std::size_t N>
  static void accumulate_product(const float* a, const float* b, float* target) {
    elementwise<N>([&](std::size_t i) { return xsimd::fma(load(a + i), load(b + i), load(target + i)); },
                   [&](std::size_t i, batch v) { v.store_unaligned(target + i); },
                   [&](std::size_t i) { Scalar::accumulate_product<1>(a + i, b + i, target + i); });
  }
  template <std::size_t N>
  static void subtract(const float* a, const float* b, float* out) {
    elementwise<N>([&](std::size_t i) { return load(a + i) - load(b + i); },
                   [&](std::size_t i, batch v) { v.store_unaligned(out + i); },
                   [&](std::size_t i) { Scalar::subtract<1>(a + i, b + i, out + i); });
  }
  template <std::size_t N>
  static void scale(float factor, const float* x, float* out) {
    const batch f(factor);
    elementwise<N>([&](std::size_t i) { return f * load(x + i); },
                   [&](std::size_t i, batch v) { v.store_unaligned(out + i); },
                   [&](std::size_t i) { Scalar::scale<1>(factor, x + i, out + i); });
  }
  template <std::size_t N>
  static void add_constant(const float* x, float value, float* out) {
    const batch v(value);
    elementwise<N>([&](std::size_t i) { return load(x + i) + v; },
                   [&](std::size_t i, batch result) { result.store_unaligned(out + i); },
                   [&](std::size_t i) { Scalar::add_constant<1>(x + i, value, out + i); });
  }
  template <std::size_t N>
  static float sum(const float* x) {
    if constexpr (N < width) {
      return Scalar::sum<N>(x);
    } else {
      batch total(0.f);
      for (std::size_t i = 0; i + width <= N; i += width) total += load(x + i);
      if constexpr (N % width != 0) total = xsimd::fma(load(x + N - width), ragged_tail_weights<N>(), total);
      return xsimd::hadd(total);
    }
  }
  template <std::size_t N>
  static float max(const float* x) {
    if constexpr (N < width) {
      return Scalar::max<N>(x);
    } else {
      batch largest = load(x);  // the overlapping last vector is harmless for a maximum
      for (std::size_t i = width; i < N; i += width) largest = xsimd::max(largest, load(x + std::min(i, N - width)));
      alignas(64) std::array<float, width> lanes;
      largest.store_aligned(lanes.data());
      return Scalar::max<width>(lanes.data());
    }
  }
  template <std::size_t N>
  static void sigmoid_forward(const float* x, float* y) {
    const batch one(1.f);
    elementwise<N>([&](std::size_t i) { return one / (one + xsimd::exp(-load(x + i))); },
                   [&](std::size_t i, batch v) { v.store_unaligned(y + i); },
                   [&](std::size_t i) { Scalar::sigmoid_forward<1>(x + i, y + i); });
  }
  template <std::size_t N>
  static void sigmoid_backward(const float* y, const float* dy, float* dx) {
    const batch one(1.f);
    elementwise<N>(
        [&](std::size_t i) {
          const batch out = load(y + i);
          return xsimd::fma(load(dy + i) * out, one - out, load(dx + i));
        },
        [&](std::size_t i, batch v) { v.store_unaligned(dx + i); },
        [&](std::size_t i) { Scalar::sigmoid_backward<1>(y + i, dy + i, dx + i); });
  }
  template <std::size_t N>
  static void exp_shifted(const float* x, float shift, float* y) {
    const batch s(shift);
    elementwise<N>([&](std::size_t i) { return xsimd::exp(load(x + i) - s); },
                   [&](std::size_t i, batch v) { v.store_unaligned(y + i); },
                   [&](std::size_t i) { Scalar::exp_shifted<1>(x + i, shift, y + i); });
  }
  template <std::size_t N>
  static void softmax_backward_row(const float* y, const float* dy, float weighted, float* dx) {
    const batch w(weighted);
    elementwise<N>([&](std::size_t i) { return xsimd::fma(load(y + i), load(dy + i) - w, load(dx + i)); },
                   [&](std::size_t i, batch v) { v.store_unaligned(dx + i); },
                   [&](std::size_t i) { Scalar::softmax_backward_row<1>(y + i, dy + i, weighted, dx + i); });
  }

  // ---- register blocking ---------------------------------------------------------
  // Vector registers of the target (AVX-512 has 32, SSE and AVX 16): blocks
  // below are sized so their accumulators stay in registers.
  static constexpr std::size_t registers = width >= 16 ? 32 : 16;

  // f(std::integral_constant<I>) for I < N, unrolled, so that array indices
  // inside f are constants and the arrays can live in registers.
  template <std::size_t N, class F>
  static void unrolled(F f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::integral_constant<std::size_t, I>{}), ...);
    }(std::make_index_sequence<N>{});
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
    const auto shifted = [&](auto accessor) { return [&first, accessor](std::size_t r, auto... k) { return accessor(first + r, k...); }; };
    for (; first + Block <= count; first += Block)
      rows_times_matrix<Block, N, Accumulate>(depth, shifted(a), b, shifted(c));
    unrolled<Block>([&](auto rest) {
      if constexpr (rest > 0)
        if (count - first == rest) rows_times_matrix<rest, N, Accumulate>(depth, shifted(a), b, shifted(c));
    });
  }
  // How many rows of N floats one rows_times_matrix call keeps in registers
  // (leaving room for the row of b and the broadcast scale).
  template <std::size_t N>
  static constexpr std::size_t register_rows = std::max<std::size_t>(1, (registers - 2 - (N + width - 1) / width) /
                                                                          ((N + width - 1) / width));

  // ---- matrix products, row-major ---------------------------------------------
  // c[0:N] (+)= sum_k a[k] * b[k, 0:N]: the row of c stays in registers (at most
  // 8 vectors; a ragged N ends with an overlapping vector), split into
  // independent chains over k so the multiply-adds are not one long dependency.
  template <std::size_t K, std::size_t N, bool Accumulate>
  static void row_times_matrix(const float* a, const float* b, float* c) {
    constexpr std::size_t vectors = (N + width - 1) / width;
    if constexpr (N >= width && vectors <= 8) {
      constexpr std::size_t chains = std::max<std::size_t>(1, std::min<std::size_t>(K, 8 / vectors));
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
      for (; k + chains <= K; k += chains)
        [&]<std::size_t... C>(std::index_sequence<C...>) { (step(k + C, partial[C]), ...); }(std::make_index_sequence<chains>{});
      for (std::size_t chain = 0; k < K; ++k, ++chain) step(k, partial[chain]);
      for (std::size_t v = 0; v < vectors; ++v) {
        batch total = partial[0][v];
        for (std::size_t chain = 1; chain < chains; ++chain) total += partial[chain][v];
        // Overlapping vectors hold identical values (same operations, same order).
        total.store_unaligned(c + start(v));
      }
    } else {
      if constexpr (!Accumulate) std::fill(c, c + N, 0.f);
      for (std::size_t k = 0; k < K; ++k) axpy<N>(a[k], b + k * N, c);
    }
  }
  template <std::size_t M, std::size_t K, std::size_t N>  // C = A[M,K] B[K,N]
  static void matmul(const float* a, const float* b, float* c) {
    for (std::size_t m = 0; m < M; ++m) row_times_matrix<K, N, false>(a + m * K, b, c + m * N);
  }
  template <std::size_t M, std::size_t K, std::size_t N, bool Write = false>  // dA += dC B^T (Write: =)
  static void matmul_backward_a(const float* dc, const float* b, float* da) {
    for (std::size_t m = 0; m < M; ++m) dot_many<N, K, N, Write>(dc + m * N, b, da + m * K);
  }
  template <std::size_t M, std::size_t K, std::size_t N>  // dB += A^T dC
  static void matmul_backward_b(const float* a, const float* dc, float* db) {
    for (std::size_t m = 0; m < M; ++m)
      for (std::size_t k = 0; k < K; ++k) axpy<N>(a[m * K + k], dc + m * N, db + k * N);
  }

  // ---- the same products over rows gathered from a batch -----------------------
  // Row r of A (and of C, dC) is reached through an accessor: in a batch the
  // rows of different examples are not contiguous. B is shared by all rows,
  // so register blocks over rows read each row of B once per block instead
  // of once per row, and dB's rows stay in registers over all rows.
  template <std::size_t K, std::size_t N, class A, class C>  // c(r) = a(r)[0:K] B[K,N], r < rows
  static void rows_matmul(std::size_t rows, A a, const float* b, C c) {
    if constexpr (N >= width) {
      rows_times_matrix<register_rows<N>, N, false>(
          rows, K, [&](std::size_t r, std::size_t k) { return a(r)[k]; }, [&](std::size_t k) { return b + k * N; }, c);
    } else {
      for (std::size_t r = 0; r < rows; ++r) row_times_matrix<K, N, false>(a(r), b, c(r));
    }
  }
  template <std::size_t K, std::size_t N, class A, class DC>  // dB += sum_r a(r)^T dc(r)
  static void rows_matmul_backward_b(std::size_t rows, A a, DC dc, float* db) {
    if constexpr (N >= width) {
      rows_times_matrix<register_rows<N>, N, true>(
          K, rows, [&](std::size_t k, std::size_t r) { return a(r)[k]; }, dc,
          [&](std::size_t k) { return db + k * N; });
    } else {
      for (std::size_t r = 0; r < rows; ++r) matmul_backward_b<1, K, N>(a(r), dc(r), db);
    }
  }

  // ---- convolution --------------------------------------------------------------
  // Scratch (G::scratch_size floats, owned by the op): forward's im2col, then
  // backward's pixel-major copy of the same patches; after them the col2im
  // frames (ConvGeometry says why each is sized as it is).

  // columns[plane][tap][pixel]: a tap's inputs over all output pixels are
  // contiguous. Each input row is first split into its stride phases
  // (split[px][j] = row[j * stride + px]); a tap's inputs along one output
  // row are then a contiguous run of one phase: one fixed-size memcpy
  // instead of out_w strided loads.
  template <class G>
  static void im2col(const float* x, float* columns) {
    constexpr std::size_t stride = G::stride, phase_w = (G::in_w + stride - 1) / stride;
    for (std::size_t plane = 0; plane < G::in_planes; ++plane) {
      std::array<float, G::in_h * stride * phase_w> split;  // [row][px][j]
      const float* input = x + plane * G::in_h * G::in_w;
      for (std::size_t row = 0; row < G::in_h; ++row)
        for (std::size_t px = 0; px < stride; ++px)
          for (std::size_t j = 0; j < phase_w && j * stride + px < G::in_w; ++j)
            split[(row * stride + px) * phase_w + j] = input[row * G::in_w + j * stride + px];
      for (std::size_t ky = 0; ky < G::kernel; ++ky)
        for (std::size_t kx = 0; kx < G::kernel; ++kx) {
          float* column = columns + (plane * G::taps + ky * G::kernel + kx) * G::out_pixels;
          for (std::size_t oy = 0; oy < G::out_h; ++oy)
            std::memcpy(column + oy * G::out_w, split.data() + ((oy * stride + ky) * stride + kx % stride) * phase_w + kx / stride,
                        G::out_w * sizeof(float));
        }
    }
  }
  // patches[plane][pixel][tap]: one output pixel's receptive field is
  // contiguous. A kernel row is a contiguous run of an input row, copied as
  // one vector move of `run` >= kernel floats where the input allows: the
  // extra floats land where the next run goes, which is written after them,
  // and past the last patch in the scratch's overrun room. Half the stores
  // of an exact kernel-float copy (a 5-float copy is a 4 and a 1).
  template <class G>
  static void im2row(const float* x, float* patches) {
    constexpr std::size_t kernel = G::kernel;
    constexpr std::size_t run = kernel <= 4 ? 4 : kernel <= 8 ? 8 : kernel <= 16 ? 16 : kernel;
    static_assert(run - kernel <= G::patch_overrun, "im2row: the scratch has no room for the copies' overrun");
    const float* const x_end = x + G::in_planes * G::in_h * G::in_w;
    for (std::size_t plane = 0; plane < G::in_planes; ++plane)
      for (std::size_t oy = 0; oy < G::out_h; ++oy)
        for (std::size_t ox = 0; ox < G::out_w; ++ox) {
          float* patch = patches + (plane * G::out_pixels + oy * G::out_w + ox) * G::taps;
          for (std::size_t ky = 0; ky < kernel; ++ky) {
            const float* from = x + (plane * G::in_h + oy * G::stride + ky) * G::in_w + ox * G::stride;
            if (x_end - from >= static_cast<std::ptrdiff_t>(run))
              std::memcpy(patch + ky * kernel, from, run * sizeof(float));
            else
              std::memcpy(patch + ky * kernel, from, kernel * sizeof(float));
          }
        }
  }

  // y[o] = sum over the planes o reads of w[o, slot] (1 x taps) times that
  // plane's columns (taps x pixels): plane by plane, for all of a plane's
  // readers at once, so each column row is loaded once per plane.
  template <class G>
  static void conv2d_forward(const float* x, const float* w, float* y, float* scratch) {
    constexpr std::size_t pixels = G::out_pixels, taps = G::taps;
    im2col<G>(x, scratch);
    std::fill(y, y + G::out_planes * pixels, 0.f);
    if constexpr (pixels >= width) {
      constexpr std::size_t block = std::min(G::max_readers, register_rows<pixels>);
      for (std::size_t plane = 0; plane < G::in_planes; ++plane) {
        const auto& reader = G::readers.of[plane];
        const float* columns = scratch + plane * taps * pixels;
        rows_times_matrix<block, pixels, true>(
            G::readers.count[plane], taps,
            [&](std::size_t r, std::size_t k) { return w[reader[r].weight_offset() + k]; },
            [&](std::size_t k) { return columns + k * pixels; },
            [&](std::size_t r) { return y + reader[r].out_plane * pixels; });
      }
    } else {
      for (std::size_t o = 0; o < G::out_planes; ++o)
        for (std::size_t j = 0; j < G::fan_in_planes; ++j)
          row_times_matrix<taps, pixels, true>(w + (o * G::fan_in_planes + j) * taps,
                                               scratch + G::table(o, j) * taps * pixels, y + o * pixels);
    }
  }

  // dw += dL/dw; if dx is not null, dx += dL/dx (WriteDx: dx = dL/dx).
  template <class G, bool WriteDx = false>
  static void conv2d_backward(const float* x, const float* w, const float* dy, float* dw, float* dx, float* scratch) {
    conv2d_backward_batch<G, WriteDx>(
        1, [&](std::size_t) { return x; }, w, [&](std::size_t) { return dy; }, dw, [&](std::size_t) { return dx; },
        [&](std::size_t) { return scratch; });
  }
  // The same for `count` examples, reached through accessors, with one
  // weight gradient: dw's accumulators stay in registers over every
  // example's pixels, so dw is loaded and stored once per batch, not once
  // per example. Each example's scratch holds its own patches.
  template <class G, bool WriteDx, class X, class DY, class DX, class Scratch>
  static void conv2d_backward_batch(std::size_t count, X x, const float* w, DY dy, float* dw, DX dx,
                                    Scratch scratch) {
    constexpr std::size_t pixels = G::out_pixels, taps = G::taps;
    // Weight gradient: dw[o, slot] += dy[o] (1 x pixels) times the plane's
    // patches (pixels x taps), for all readers of a plane at once, so each
    // patch row is loaded once: multiply-adds only, no horizontal sums.
    // Over a batch, the depth runs through every example's pixels in turn.
    for (std::size_t e = 0; e < count; ++e) im2row<G>(x(e), scratch(e));
    if constexpr (taps >= width) {
      constexpr std::size_t block = std::min(G::max_readers, register_rows<taps>);
      for (std::size_t plane = 0; plane < G::in_planes; ++plane) {
        const auto& reader = G::readers.of[plane];
        rows_times_matrix<block, taps, true>(
            G::readers.count[plane], count * pixels,
            [&](std::size_t r, std::size_t k) { return dy(k / pixels)[reader[r].out_plane * pixels + k % pixels]; },
            [&](std::size_t k) { return scratch(k / pixels) + (plane * pixels + k % pixels) * taps; },
            [&](std::size_t r) { return dw + reader[r].weight_offset(); });
      }
    } else {
      for (std::size_t e = 0; e < count; ++e)
        for (std::size_t o = 0; o < G::out_planes; ++o)
          for (std::size_t j = 0; j < G::fan_in_planes; ++j)
            row_times_matrix<pixels, taps, true>(dy(e) + o * pixels, scratch(e) + G::table(o, j) * pixels * taps,
                                                 dw + (o * G::fan_in_planes + j) * taps);
    }
    for (std::size_t e = 0; e < count; ++e)
      if (dx(e)) conv2d_input_gradient<G, WriteDx>(w, dy(e), dx(e), scratch(e));
  }
  // Input gradient, one input plane at a time: its column gradients
  // (taps x pixels) = sum over exactly the outputs that read the plane (the
  // inverse connection table) of w[o, slot, tap] * dy[o], accumulated in
  // registers over the readers; then col2im.
  template <class G, bool WriteDx>
  static void conv2d_input_gradient(const float* w, const float* dy, float* dx, float* scratch) {
    constexpr std::size_t pixels = G::out_pixels, taps = G::taps;
    for (std::size_t plane = 0; plane < G::in_planes; ++plane) {
      alignas(64) std::array<float, taps * pixels> columns;
      const auto& reader = G::readers.of[plane];
      const auto kernel_of = [&](std::size_t r) { return w + reader[r].weight_offset(); };
      if constexpr (pixels >= width) {
        constexpr std::size_t block = std::min(taps, register_rows<pixels>);
        rows_times_matrix<block, pixels, false>(
            taps, G::readers.count[plane], [&](std::size_t t, std::size_t r) { return kernel_of(r)[t]; },
            [&](std::size_t r) { return dy + reader[r].out_plane * pixels; },
            [&](std::size_t t) { return columns.data() + t * pixels; });
      } else {
        columns.fill(0.f);
        for (std::size_t r = 0; r < G::readers.count[plane]; ++r)
          for (std::size_t t = 0; t < taps; ++t)
            axpy<pixels>(kernel_of(r)[t], dy + reader[r].out_plane * pixels, columns.data() + t * pixels);
      }
      col2im_by_phases<G, WriteDx>(columns.data(), scratch + G::frames_offset, dx + plane * G::in_h * G::in_w);
    }
  }

  // dx (one input plane) += the column gradients put back where each tap
  // read. A stride-s scatter would be one scalar read-modify-write per tap
  // and pixel (the same input is hit by up to (k/s)^2 taps); instead, per
  // phase (see ConvGeometry::reach), the sum over the phase's taps of their
  // framed gradients shifted into place, as whole vectors, then one pass
  // into dx. Each position adds its taps in ascending tap order from zero,
  // as the scatter did, so into a zeroed dx the result is bit-identical.
  template <class G, bool Write>
  static void col2im_by_phases(const float* columns, float* frames, float* dx) {
    static_assert(width <= G::max_vector_width, "ConvGeometry sizes the col2im frames for at most 16-float vectors");
    constexpr std::size_t stride = G::stride, kernel = G::kernel, reach = G::reach, frame_w = G::frame_w;
    constexpr std::size_t vectors = (G::phase_lanes + width - 1) / width;
    for (std::size_t t = 0; t < G::taps; ++t)
      for (std::size_t oy = 0; oy < G::out_h; ++oy)
        std::memcpy(frames + t * G::frame_size + (oy + reach) * frame_w + reach, columns + (t * G::out_h + oy) * G::out_w,
                    G::out_w * sizeof(float));
    // Every phase's sum, then the phases interleaved back row by row.
    constexpr std::size_t phase_size = vectors * width;
    alignas(64) std::array<float, stride * stride * phase_size> phases{};
    for (std::size_t py = 0; py < std::min(stride, kernel); ++py)
      for (std::size_t px = 0; px < std::min(stride, kernel); ++px) {
        std::array<batch, vectors> sums;
        sums.fill(batch(0.f));
        for (std::size_t ky = py, a = 0; ky < kernel; ky += stride, ++a)
          for (std::size_t kx = px, b = 0; kx < kernel; kx += stride, ++b) {
            const float* from = frames + (ky * kernel + kx) * G::frame_size + (reach - a) * frame_w + (reach - b);
            for (std::size_t v = 0; v < vectors; ++v) sums[v] += load(from + v * width);
          }
        for (std::size_t v = 0; v < vectors; ++v)
          sums[v].store_aligned(phases.data() + (py * stride + px) * phase_size + v * width);
      }
    for (std::size_t iy = 0; iy < std::min(G::in_h, G::phase_h * stride); ++iy) {
      const std::size_t py = iy % stride, i = iy / stride;
      std::array<float, G::phase_w * stride> row;  // dx's row iy, phases interleaved
      for (std::size_t j = 0; j < G::phase_w; ++j)
        for (std::size_t px = 0; px < stride; ++px)
          row[j * stride + px] = phases[(py * stride + px) * phase_size + i * frame_w + j];
      float* target = dx + iy * G::in_w;
      constexpr std::size_t reached = std::min(G::in_w, row.size());
      if constexpr (Write) {
        std::copy_n(row.data(), reached, target);
        std::fill(target + reached, target + G::in_w, 0.f);  // columns no tap reads
      } else {
        for (std::size_t ix = 0; ix < reached; ++ix) target[ix] += row[ix];
      }
    }
    if constexpr (Write)  // rows no tap reads
      std::fill(dx + std::min(G::in_h, G::phase_h * stride) * G::in_w, dx + G::in_h * G::in_w, 0.f);
  }
};

}  // namespace ctgrad::kernels
