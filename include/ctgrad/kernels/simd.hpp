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

#include <xsimd/xsimd.hpp>

#include "ctgrad/kernels/conv_geometry.hpp"

namespace ctgrad::kernels {

struct Simd {
  static constexpr const char* name = "simd";
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
  template <std::size_t N>
  static void axpy(float alpha, const float* x, float* y) {
    const batch a(alpha);
    elementwise<N>([&](std::size_t i) { return xsimd::fma(a, load(x + i), load(y + i)); },
                   [&](std::size_t i, batch v) { v.store_unaligned(y + i); },
                   [&](std::size_t i) { y[i] += alpha * x[i]; });
  }
  template <std::size_t N>
  static float dot(const float* a, const float* b) {
    batch sum(0.f);
    std::size_t i = 0;
    for (; i + width <= N; i += width) sum = xsimd::fma(load(a + i), load(b + i), sum);
    float total = xsimd::hadd(sum);
    for (; i < N; ++i) total += a[i] * b[i];
    return total;
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

  // out[c] += dot(a, b + c * Stride) for c < Count. The Count sums are reduced
  // `width` at a time with one haddp (a transposing add) instead of one
  // horizontal add each: the weight gradient of a convolution is hundreds of
  // such short dot products.
  template <std::size_t N, std::size_t Count, std::size_t Stride>
  static void dot_many(const float* a, const float* b, float* out) {
    constexpr std::size_t body = N - N % width;
    const auto& row_of_lane = haddp_row_of_lane();
    for (std::size_t first = 0; first < Count; first += width) {
      const std::size_t group = std::min(width, Count - first);
      std::array<batch, width> sums;
      for (std::size_t g = 0; g < width; ++g) {
        batch sum(0.f);
        if (g < group)
          for (std::size_t i = 0; i < body; i += width) sum = xsimd::fma(load(a + i), load(b + (first + g) * Stride + i), sum);
        sums[g] = sum;
      }
      alignas(64) std::array<float, width> lanes;
      xsimd::haddp(sums.data()).store_aligned(lanes.data());
      for (std::size_t lane = 0; lane < width; ++lane) {
        const std::size_t g = row_of_lane[lane];
        if (g >= group) continue;
        float total = lanes[lane];
        for (std::size_t i = body; i < N; ++i) total += a[i] * b[(first + g) * Stride + i];
        out[first + g] += total;
      }
    }
  }
  template <std::size_t N>
  static void tanh_forward(const float* x, float* y) {
    elementwise<N>([&](std::size_t i) { return xsimd::tanh(load(x + i)); },
                   [&](std::size_t i, batch v) { v.store_unaligned(y + i); },
                   [&](std::size_t i) { y[i] = std::tanh(x[i]); });
  }
  template <std::size_t N>
  static void tanh_backward(const float* y, const float* dy, float* dx) {
    const batch one(1.f);
    elementwise<N>(
        [&](std::size_t i) {
          const batch out = load(y + i);
          return xsimd::fma(load(dy + i), xsimd::fnma(out, out, one), load(dx + i));
        },
        [&](std::size_t i, batch v) { v.store_unaligned(dx + i); },
        [&](std::size_t i) { dx[i] += dy[i] * (1.f - y[i] * y[i]); });
  }

  // ---- matrix products, row-major ---------------------------------------------
  // C = A[M,K] B[K,N]. A row of C stays in registers (up to 8 vectors) while
  // the K rows of B stream past; wider rows fall back to axpy into memory.
  template <std::size_t M, std::size_t K, std::size_t N>
  static void matmul(const float* a, const float* b, float* c) {
    constexpr std::size_t vectors = (N + width - 1) / width;
    if constexpr (N >= width && vectors <= 8) {
      constexpr auto start = [](std::size_t v) { return std::min(v * width, N - width); };
      for (std::size_t m = 0; m < M; ++m) {
        std::array<batch, vectors> row;
        row.fill(batch(0.f));
        for (std::size_t k = 0; k < K; ++k) {
          const batch scale(a[m * K + k]);
          for (std::size_t v = 0; v < vectors; ++v) row[v] = xsimd::fma(scale, load(b + k * N + start(v)), row[v]);
        }
        // Overlapping vectors hold identical values (same operations, same order).
        for (std::size_t v = 0; v < vectors; ++v) row[v].store_unaligned(c + m * N + start(v));
      }
    } else {
      for (std::size_t m = 0; m < M; ++m) {
        float* row = c + m * N;
        std::fill(row, row + N, 0.f);
        for (std::size_t k = 0; k < K; ++k) axpy<N>(a[m * K + k], b + k * N, row);
      }
    }
  }
  template <std::size_t M, std::size_t K, std::size_t N>  // dA += dC B^T
  static void matmul_backward_a(const float* dc, const float* b, float* da) {
    for (std::size_t m = 0; m < M; ++m) dot_many<N, K, N>(dc + m * N, b, da + m * K);
  }
  template <std::size_t M, std::size_t K, std::size_t N>  // dB += A^T dC
  static void matmul_backward_b(const float* a, const float* dc, float* db) {
    for (std::size_t m = 0; m < M; ++m)
      for (std::size_t k = 0; k < K; ++k) axpy<N>(a[m * K + k], dc + m * N, db + k * N);
  }

  // ---- convolution --------------------------------------------------------------
  // Scratch (2 * G::columns_size floats, the op owns it): the im2col of the
  // input, kept from forward for the weight gradient, then its gradient.
  template <class G>
  static void im2col(const float* x, float* columns) {
    for (std::size_t plane = 0; plane < G::in_planes; ++plane)
      for (std::size_t ky = 0; ky < G::kernel; ++ky)
        for (std::size_t kx = 0; kx < G::kernel; ++kx) {
          float* column = columns + (plane * G::taps + ky * G::kernel + kx) * G::out_pixels;
          for (std::size_t oy = 0; oy < G::out_h; ++oy)
            for (std::size_t ox = 0; ox < G::out_w; ++ox)
              column[oy * G::out_w + ox] = x[(plane * G::in_h + oy * G::stride + ky) * G::in_w + ox * G::stride + kx];
        }
  }
  // The inverse of im2col, accumulating: dx += scatter(columns).
  template <class G>
  static void col2im_add(const float* columns, float* dx) {
    for (std::size_t plane = 0; plane < G::in_planes; ++plane)
      for (std::size_t ky = 0; ky < G::kernel; ++ky)
        for (std::size_t kx = 0; kx < G::kernel; ++kx) {
          const float* column = columns + (plane * G::taps + ky * G::kernel + kx) * G::out_pixels;
          for (std::size_t oy = 0; oy < G::out_h; ++oy)
            for (std::size_t ox = 0; ox < G::out_w; ++ox)
              dx[(plane * G::in_h + oy * G::stride + ky) * G::in_w + ox * G::stride + kx] += column[oy * G::out_w + ox];
        }
  }

  // One output plane at a time, its pixels held in registers while every
  // (input plane, tap) it reads adds weight * column.
  template <class G>
  static void conv2d_forward(const float* x, const float* w, float* y, float* scratch) {
    constexpr std::size_t pixels = G::out_pixels;
    constexpr std::size_t vectors = pixels / width;
    im2col<G>(x, scratch);
    for (std::size_t o = 0; o < G::out_planes; ++o) {
      std::array<batch, vectors> acc;
      acc.fill(batch(0.f));
      float* out = y + o * pixels;
      for (std::size_t p = vectors * width; p < pixels; ++p) out[p] = 0.f;
      for (std::size_t j = 0; j < G::fan_in_planes; ++j) {
        const float* columns = scratch + G::table(o, j) * G::taps * pixels;
        const float* kernel = w + (o * G::fan_in_planes + j) * G::taps;
        for (std::size_t t = 0; t < G::taps; ++t) {
          const batch weight(kernel[t]);
          for (std::size_t v = 0; v < vectors; ++v)
            acc[v] = xsimd::fma(weight, load(columns + t * pixels + v * width), acc[v]);
          for (std::size_t p = vectors * width; p < pixels; ++p) out[p] += kernel[t] * columns[t * pixels + p];
        }
      }
      for (std::size_t v = 0; v < vectors; ++v) acc[v].store_unaligned(out + v * width);
    }
  }

  template <class G>
  static void conv2d_backward(const float* /*x*/, const float* w, const float* dy, float* dw, float* dx,
                              float* scratch) {
    constexpr std::size_t pixels = G::out_pixels;
    // Weight gradient: dW[o,j,t] += <dy[o], columns[table(o,j), t]>.
    for (std::size_t o = 0; o < G::out_planes; ++o)
      for (std::size_t j = 0; j < G::fan_in_planes; ++j)
        dot_many<pixels, G::taps, pixels>(dy + o * pixels, scratch + G::table(o, j) * G::taps * pixels,
                                          dw + (o * G::fan_in_planes + j) * G::taps);
    if (!dx) return;
    // Input gradient: column gradients by vector multiply-adds, then one scatter.
    float* column_grads = scratch + G::columns_size;
    std::fill(column_grads, column_grads + G::columns_size, 0.f);
    for (std::size_t o = 0; o < G::out_planes; ++o)
      for (std::size_t j = 0; j < G::fan_in_planes; ++j) {
        const float* kernel = w + (o * G::fan_in_planes + j) * G::taps;
        float* grads = column_grads + G::table(o, j) * G::taps * pixels;
        for (std::size_t t = 0; t < G::taps; ++t) axpy<pixels>(kernel[t], dy + o * pixels, grads + t * pixels);
      }
    col2im_add<G>(column_grads, dx);
  }
};

}  // namespace ctgrad::kernels
