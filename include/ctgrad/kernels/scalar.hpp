#pragma once
// The reference kernel path: plain loops over compile-time extents, built with
// the same compiler and flags as the SIMD path. It is what the SIMD path is
// checked and benchmarked against, so it stays obvious rather than clever.
#include <cmath>
#include <algorithm>
#include <cstddef>

#include "ctgrad/kernels/adamw_update.hpp"
#include "ctgrad/kernels/conv_geometry.hpp"

namespace ctgrad::kernels {

struct Scalar {
  static constexpr const char* name = "scalar";
  static constexpr const char* arch() { return "none"; }  // plain loops (Simd::arch names its instruction set)

  // ---- elementwise --------------------------------------------------------
  // The exact GELU, 0.5 x (1 + erf(x / sqrt 2)); backward from the saved input:
  // dx += dy * (Phi(x) + x phi(x)). Constants: 1/sqrt(2) and 1/sqrt(2 pi).
  template <std::size_t N>
  static void gelu_forward(const float* x, float* y) {
    for (std::size_t i = 0; i < N; ++i) y[i] = 0.5f * x[i] * (1.f + std::erf(x[i] * 0.70710678f));
  }
  template <std::size_t N>
  static void gelu_backward(const float* x, const float* dy, float* dx) {
    for (std::size_t i = 0; i < N; ++i) {
      const float cdf = 0.5f * (1.f + std::erf(x[i] * 0.70710678f));
      dx[i] += dy[i] * (cdf + x[i] * 0.39894228f * std::exp(-0.5f * x[i] * x[i]));
    }
  }
  template <std::size_t N>
  static void relu_forward(const float* x, float* y) {
    for (std::size_t i = 0; i < N; ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
  }
  template <std::size_t N>  // dx += dy where the saved output is positive (the input was)
  static void relu_backward(const float* y, const float* dy, float* dx) {
    for (std::size_t i = 0; i < N; ++i)
      if (y[i] > 0.f) dx[i] += dy[i];
  }
  template <std::size_t N>
  static void add(const float* a, const float* b, float* out) {
    for (std::size_t i = 0; i < N; ++i) out[i] = a[i] + b[i];
  }
  template <std::size_t N>
  static void accumulate(const float* source, float* target) {  // target += source
    for (std::size_t i = 0; i < N; ++i) target[i] += source[i];
  }
  template <std::size_t N>  // AdamW, in place (kernels/adamw_update.hpp)
  static void adamw_update(const AdamWConstants& c, float* value, const float* grad, float* exp_avg,
                           float* exp_avg_sq) {
    for (std::size_t i = 0; i < N; ++i) adamw_update_one(c, value[i], grad[i], exp_avg[i], exp_avg_sq[i]);
  }
  template <std::size_t N>
  static void axpy(float alpha, const float* x, float* y) {  // y += alpha * x
    for (std::size_t i = 0; i < N; ++i) y[i] += alpha * x[i];
  }
  template <std::size_t N>  // value += -lr * grad, then grad = 0: SGD's update in one pass
  static void sgd_update(float learning_rate, float* grad, float* value) {
    for (std::size_t i = 0; i < N; ++i) {
      value[i] += -learning_rate * grad[i];
      grad[i] = 0.f;
    }
  }
  template <std::size_t N>
  static float dot(const float* a, const float* b) {
    float sum = 0;
    for (std::size_t i = 0; i < N; ++i) sum += a[i] * b[i];
    return sum;
  }
  template <std::size_t N>
  static void tanh_forward(const float* x, float* y) {
    for (std::size_t i = 0; i < N; ++i) y[i] = std::tanh(x[i]);
  }

  // ---- the everyday ops (ops/multiply.hpp, subtract, scale, sigmoid, plane_bias, softmax) ----
  // Each is a loop over one element function; the SIMD path's tails call
  // these with N = 1 instead of writing the formula again.
  template <std::size_t N>
  static void multiply(const float* a, const float* b, float* out) {
    for (std::size_t i = 0; i < N; ++i) out[i] = a[i] * b[i];
  }
  template <std::size_t N>  // target += a * b
  static void accumulate_product(const float* a, const float* b, float* target) {
    for (std::size_t i = 0; i < N; ++i) target[i] += a[i] * b[i];
  }
  template <std::size_t N>
  static void subtract(const float* a, const float* b, float* out) {
    for (std::size_t i = 0; i < N; ++i) out[i] = a[i] - b[i];
  }
  template <std::size_t N>  // out = factor * x
  static void scale(float factor, const float* x, float* out) {
    for (std::size_t i = 0; i < N; ++i) out[i] = factor * x[i];
  }
  template <std::size_t N>  // out = x + value: one bias added to a whole plane
  static void add_constant(const float* x, float value, float* out) {
    for (std::size_t i = 0; i < N; ++i) out[i] = x[i] + value;
  }
  template <std::size_t N>
  static float sum(const float* x) {
    float total = 0;
    for (std::size_t i = 0; i < N; ++i) total += x[i];
    return total;
  }
  template <std::size_t N>  // y = 1 / (1 + e^-x)
  static void sigmoid_forward(const float* x, float* y) {
    for (std::size_t i = 0; i < N; ++i) y[i] = 1.f / (1.f + std::exp(-x[i]));
  }
  template <std::size_t N>  // dx += dy * y (1 - y), from the saved output
  static void sigmoid_backward(const float* y, const float* dy, float* dx) {
    for (std::size_t i = 0; i < N; ++i) dx[i] += dy[i] * y[i] * (1.f - y[i]);
  }
  template <std::size_t N>  // y = e^(x - shift): softmax's numerators, shifted by the row's largest value
  static void exp_shifted(const float* x, float shift, float* y) {
    for (std::size_t i = 0; i < N; ++i) y[i] = std::exp(x[i] - shift);
  }
  template <std::size_t N>  // dx += y (dy - weighted): softmax's vector-Jacobian product, weighted = dot(dy, y)
  static void softmax_backward_row(const float* y, const float* dy, float weighted, float* dx) {
    for (std::size_t i = 0; i < N; ++i) dx[i] += y[i] * (dy[i] - weighted);
  }
  template <std::size_t N>
  static float max(const float* x) {
    float largest = x[0];
    for (std::size_t i = 1; i < N; ++i) largest = std::max(largest, x[i]);
    return largest;
  }
  template <std::size_t N, bool Write = false>  // dx += dy * (1 - y^2), from the saved output (Write: =)
  static void tanh_backward(const float* y, const float* dy, float* dx) {
    for (std::size_t i = 0; i < N; ++i) {
      if constexpr (Write)
        dx[i] = dy[i] * (1.f - y[i] * y[i]);
      else
        dx[i] += dy[i] * (1.f - y[i] * y[i]);
    }
  }

  // ---- matrix products, row-major ------------------------------------------
  template <std::size_t M, std::size_t K, std::size_t N>  // C = A[M,K] B[K,N]
  static void matmul(const float* a, const float* b, float* c) {
    for (std::size_t m = 0; m < M; ++m)
      for (std::size_t n = 0; n < N; ++n) {
        float sum = 0;
        for (std::size_t k = 0; k < K; ++k) sum += a[m * K + k] * b[k * N + n];
        c[m * N + n] = sum;
      }
  }
  template <std::size_t M, std::size_t K, std::size_t N, bool Write = false>  // dA += dC[M,N] B[K,N]^T (Write: =)
  static void matmul_backward_a(const float* dc, const float* b, float* da) {
    for (std::size_t m = 0; m < M; ++m)
      for (std::size_t k = 0; k < K; ++k) {
        float sum = 0;
        for (std::size_t n = 0; n < N; ++n) sum += dc[m * N + n] * b[k * N + n];
        if constexpr (Write)
          da[m * K + k] = sum;
        else
          da[m * K + k] += sum;
      }
  }
  template <std::size_t M, std::size_t K, std::size_t N>  // dB += A[M,K]^T dC[M,N]
  static void matmul_backward_b(const float* a, const float* dc, float* db) {
    for (std::size_t k = 0; k < K; ++k)
      for (std::size_t n = 0; n < N; ++n) {
        float sum = 0;
        for (std::size_t m = 0; m < M; ++m) sum += a[m * K + k] * dc[m * N + n];
        db[k * N + n] += sum;
      }
  }

  // ---- the same products over rows gathered from a batch ---------------------
  // Row r of A (and of C, dC) is reached through an accessor: in a batch the
  // rows of different examples are not contiguous. B is shared by all rows.
  template <std::size_t K, std::size_t N, class A, class C>  // c(r) = a(r)[0:K] B[K,N], r < rows
  static void rows_matmul(std::size_t rows, A a, const float* b, C c) {
    for (std::size_t r = 0; r < rows; ++r) matmul<1, K, N>(a(r), b, c(r));
  }
  template <std::size_t K, std::size_t N, class A, class DC>  // dB += sum_r a(r)^T dc(r)
  static void rows_matmul_backward_b(std::size_t rows, A a, DC dc, float* db) {
    for (std::size_t r = 0; r < rows; ++r) matmul_backward_b<1, K, N>(a(r), dc(r), db);
  }

  // ---- convolution with a connection table: direct loops --------------------
  // y[o,oy,ox] = sum_{j,ky,kx} w[o,j,ky,kx] * x[table(o,j), oy*s+ky, ox*s+kx]
  template <class G>
  static void conv2d_forward(const float* x, const float* w, float* y, float* /*scratch*/) {
    for (std::size_t o = 0; o < G::out_planes; ++o)
      for (std::size_t oy = 0; oy < G::out_h; ++oy)
        for (std::size_t ox = 0; ox < G::out_w; ++ox) {
          float sum = 0;
          for (std::size_t j = 0; j < G::fan_in_planes; ++j) {
            const float* plane = x + G::table(o, j) * G::in_h * G::in_w;
            const float* kernel = w + (o * G::fan_in_planes + j) * G::kernel * G::kernel;
            for (std::size_t ky = 0; ky < G::kernel; ++ky)
              for (std::size_t kx = 0; kx < G::kernel; ++kx)
                sum += kernel[ky * G::kernel + kx] *
                       plane[(oy * G::stride + ky) * G::in_w + ox * G::stride + kx];
          }
          y[(o * G::out_h + oy) * G::out_w + ox] = sum;
        }
  }
  // The same for `count` examples reached through accessors, one after the other.
  template <class G, bool WriteDx, class X, class DY, class DX, class Scratch>
  static void conv2d_backward_batch(std::size_t count, X x, const float* w, DY dy, float* dw, DX dx,
                                    Scratch scratch) {
    for (std::size_t e = 0; e < count; ++e) conv2d_backward<G, WriteDx>(x(e), w, dy(e), dw, dx(e), scratch(e));
  }
  // dw += dL/dw; if dx is not null, dx += dL/dx (WriteDx: dx = dL/dx).
  template <class G, bool WriteDx = false>
  static void conv2d_backward(const float* x, const float* w, const float* dy, float* dw, float* dx,
                              float* /*scratch*/) {
    if (WriteDx && dx) std::fill(dx, dx + G::in_planes * G::in_h * G::in_w, 0.f);
    for (std::size_t o = 0; o < G::out_planes; ++o)
      for (std::size_t oy = 0; oy < G::out_h; ++oy)
        for (std::size_t ox = 0; ox < G::out_w; ++ox) {
          const float g = dy[(o * G::out_h + oy) * G::out_w + ox];
          for (std::size_t j = 0; j < G::fan_in_planes; ++j) {
            const std::size_t plane_offset = G::table(o, j) * G::in_h * G::in_w;
            const std::size_t kernel_offset = (o * G::fan_in_planes + j) * G::kernel * G::kernel;
            for (std::size_t ky = 0; ky < G::kernel; ++ky)
              for (std::size_t kx = 0; kx < G::kernel; ++kx) {
                const std::size_t at = plane_offset + (oy * G::stride + ky) * G::in_w + ox * G::stride + kx;
                dw[kernel_offset + ky * G::kernel + kx] += g * x[at];
                if (dx) dx[at] += g * w[kernel_offset + ky * G::kernel + kx];
              }
          }
        }
  }
};

}  // namespace ctgrad::kernels
