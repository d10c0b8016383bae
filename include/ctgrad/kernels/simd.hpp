#pragma once
// The SIMD kernel path, written once against xsimd::batch<float> for the
// architecture xsimd picks at compile time (AVX-512 with -march=native on this
// machine, SSE2 in a portable build). Every loop has an honest scalar tail.
#include <cstddef>

#include <xsimd/xsimd.hpp>

#include "ctgrad/kernels/conv_geometry.hpp"

namespace ctgrad::kernels {

struct Simd {
  static constexpr const char* name = "simd";
  using batch = xsimd::batch<float>;
  static constexpr std::size_t width = batch::size;
  // Largest multiple of the vector width not above n: where the scalar tail starts.
  static constexpr std::size_t body(std::size_t n) { return n - n % width; }

  // ---- elementwise --------------------------------------------------------
  template <std::size_t N>
  static void add(const float* a, const float* b, float* out) {
    std::size_t i = 0;
    for (; i < body(N); i += width) (batch::load_unaligned(a + i) + batch::load_unaligned(b + i)).store_unaligned(out + i);
    for (; i < N; ++i) out[i] = a[i] + b[i];
  }
  template <std::size_t N>
  static void accumulate(const float* source, float* target) {
    std::size_t i = 0;
    for (; i < body(N); i += width)
      (batch::load_unaligned(target + i) + batch::load_unaligned(source + i)).store_unaligned(target + i);
    for (; i < N; ++i) target[i] += source[i];
  }
  template <std::size_t N>
  static void axpy(float alpha, const float* x, float* y) {
    const batch a(alpha);
    std::size_t i = 0;
    for (; i < body(N); i += width)
      xsimd::fma(a, batch::load_unaligned(x + i), batch::load_unaligned(y + i)).store_unaligned(y + i);
    for (; i < N; ++i) y[i] += alpha * x[i];
  }
  template <std::size_t N>
  static float dot(const float* a, const float* b) {
    batch sum(0.f);
    std::size_t i = 0;
    for (; i < body(N); i += width) sum = xsimd::fma(batch::load_unaligned(a + i), batch::load_unaligned(b + i), sum);
    float total = xsimd::hadd(sum);
    for (; i < N; ++i) total += a[i] * b[i];
    return total;
  }
  template <std::size_t N>
  static void tanh_forward(const float* x, float* y) {
    std::size_t i = 0;
    for (; i < body(N); i += width) xsimd::tanh(batch::load_unaligned(x + i)).store_unaligned(y + i);
    for (; i < N; ++i) y[i] = std::tanh(x[i]);
  }
  template <std::size_t N>
  static void tanh_backward(const float* y, const float* dy, float* dx) {
    const batch one(1.f);
    std::size_t i = 0;
    for (; i < body(N); i += width) {
      const batch out = batch::load_unaligned(y + i);
      xsimd::fma(batch::load_unaligned(dy + i), xsimd::fnma(out, out, one), batch::load_unaligned(dx + i))
          .store_unaligned(dx + i);
    }
    for (; i < N; ++i) dx[i] += dy[i] * (1.f - y[i] * y[i]);
  }

  // ---- matrix products, row-major: rows of B and C are contiguous vectors ----
  template <std::size_t M, std::size_t K, std::size_t N>
  static void matmul(const float* a, const float* b, float* c) {
    for (std::size_t m = 0; m < M; ++m) {
      float* row = c + m * N;
      for (std::size_t n = 0; n < N; ++n) row[n] = 0.f;
      for (std::size_t k = 0; k < K; ++k) axpy<N>(a[m * K + k], b + k * N, row);
    }
  }
  template <std::size_t M, std::size_t K, std::size_t N>
  static void matmul_backward_a(const float* dc, const float* b, float* da) {
    for (std::size_t m = 0; m < M; ++m)
      for (std::size_t k = 0; k < K; ++k) da[m * K + k] += dot<N>(dc + m * N, b + k * N);
  }
  template <std::size_t M, std::size_t K, std::size_t N>
  static void matmul_backward_b(const float* a, const float* dc, float* db) {
    for (std::size_t m = 0; m < M; ++m)
      for (std::size_t k = 0; k < K; ++k) axpy<N>(a[m * K + k], dc + m * N, db + k * N);
  }

  // ---- convolution: im2col into scratch, then vector ops over output pixels ----
  template <class G>
  static void im2col(const float* x, float* columns) {
    for (std::size_t plane = 0; plane < G::in_planes; ++plane)
      for (std::size_t ky = 0; ky < G::kernel; ++ky)
        for (std::size_t kx = 0; kx < G::kernel; ++kx) {
          float* column = columns + (plane * G::taps + ky * G::kernel + kx) * G::out_pixels;
          for (std::size_t oy = 0; oy < G::out_h; ++oy)
            for (std::size_t ox = 0; ox < G::out_w; ++ox)
              column[oy * G::out_w + ox] =
                  x[(plane * G::in_h + oy * G::stride + ky) * G::in_w + ox * G::stride + kx];
        }
  }
  // scratch holds G::columns_size floats; forward leaves the im2col there for backward.
  template <class G>
  static void conv2d_forward(const float* x, const float* w, float* y, float* scratch) {
    im2col<G>(x, scratch);
    for (std::size_t o = 0; o < G::out_planes; ++o) {
      float* out = y + o * G::out_pixels;
      for (std::size_t p = 0; p < G::out_pixels; ++p) out[p] = 0.f;
      for (std::size_t j = 0; j < G::fan_in_planes; ++j) {
        const float* columns = scratch + G::table(o, j) * G::taps * G::out_pixels;
        const float* kernel = w + (o * G::fan_in_planes + j) * G::taps;
        for (std::size_t t = 0; t < G::taps; ++t) axpy<G::out_pixels>(kernel[t], columns + t * G::out_pixels, out);
      }
    }
  }
  template <class G>
  static void conv2d_backward(const float* /*x*/, const float* w, const float* dy, float* dw, float* dx,
                              float* scratch) {
    for (std::size_t o = 0; o < G::out_planes; ++o) {
      const float* grad_out = dy + o * G::out_pixels;
      for (std::size_t j = 0; j < G::fan_in_planes; ++j) {
        const float* columns = scratch + G::table(o, j) * G::taps * G::out_pixels;
        float* grad_kernel = dw + (o * G::fan_in_planes + j) * G::taps;
        for (std::size_t t = 0; t < G::taps; ++t) grad_kernel[t] += dot<G::out_pixels>(grad_out, columns + t * G::out_pixels);
      }
    }
    if (!dx) return;
    // Input gradient: scatter dy through the same taps (col2im), plane by plane.
    for (std::size_t o = 0; o < G::out_planes; ++o)
      for (std::size_t j = 0; j < G::fan_in_planes; ++j) {
        const std::size_t plane = G::table(o, j);
        const float* kernel = w + (o * G::fan_in_planes + j) * G::taps;
        for (std::size_t ky = 0; ky < G::kernel; ++ky)
          for (std::size_t kx = 0; kx < G::kernel; ++kx) {
            const float weight = kernel[ky * G::kernel + kx];
            for (std::size_t oy = 0; oy < G::out_h; ++oy)
              for (std::size_t ox = 0; ox < G::out_w; ++ox)
                dx[(plane * G::in_h + oy * G::stride + ky) * G::in_w + ox * G::stride + kx] +=
                    weight * dy[(o * G::out_h + oy) * G::out_w + ox];
          }
      }
  }
};

}  // namespace ctgrad::kernels
