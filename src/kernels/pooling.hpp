#pragma once
// Non-overlapping S x S windows over [planes, height, width] planes (a
// PoolPlan): the window sums of LeNet-5's subsampling layers and max
// pooling, both paths side by side.
//   window_sum_forward(g, x, y)                   y = the sum of each window
//   window_sum_backward(g, dy, dx, overwrite)     each window's dx (=|+=) its dy
//   max_pool_forward(g, x, y)                     y = the largest of each window
//   max_pool_backward(g, x, y, dy, dx, overwrite)
//       each dy to the first element of its window (row by row) that equals
//       the window's maximum, as PyTorch's max_pool2d; with overwrite the
//       window's other elements are set to 0
// A window's S rows are combined first, a whole row of the plane at a time
// (in slices of at most `slice` floats), then its S columns: the SIMD path
// does the first in vectors and the second in scalar code, the scalar path
// in the same order, so both give the same sums. The routing of
// max_pool_backward is sequential (ties must go to exactly one element:
// after a ReLU a window of zeros is common), so both paths share it.
#include <algorithm>
#include <array>
#include <cstddef>

#include "ctgrad/kernels/geometry.hpp"
#include "src/kernels/simd_support.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

namespace pooling_detail {

// Rows are combined in slices of whole windows, at most this many floats.
inline constexpr std::size_t slice_limit = 1024;
inline std::size_t slice_of(const PoolPlan& g) { return std::max(g.window, slice_limit / g.window * g.window); }

// f(c, i, from, length) for each plane c, output row i and slice
// [from, from + length) of the plane's width.
template <class F>
void for_each_row_slice(const PoolPlan& g, F f) {
  const std::size_t slice = slice_of(g);
  for (std::size_t c = 0; c < g.planes; ++c)
    for (std::size_t i = 0; i < g.out_h(); ++i)
      for (std::size_t from = 0; from < g.width; from += slice) f(c, i, from, std::min(slice, g.width - from));
}

// The columns of each window of one combined slice of a row:
// y[j] = f(row[j S], ..., row[j S + S - 1]).
template <class Combine>
void combine_columns(const PoolPlan& g, std::size_t length, const float* row, float* y, Combine combine) {
  for (std::size_t j = 0; j < length / g.window; ++j) {
    float value = row[j * g.window];
    for (std::size_t b = 1; b < g.window; ++b) value = combine(value, row[j * g.window + b]);
    y[j] = value;
  }
}

inline void max_pool_backward(const PoolPlan& g, const float* x, const float* y, const float* dy, float* dx,
                              bool overwrite) {
  const std::size_t S = g.window, W = g.width;
  for (std::size_t c = 0; c < g.planes; ++c)
    for (std::size_t i = 0; i < g.out_h(); ++i)
      for (std::size_t j = 0; j < g.out_w(); ++j) {
        const std::size_t o = g.output(c, i, j), corner = g.first_row(c, i) + j * S;
        bool routed = false;
        for (std::size_t a = 0; a < S; ++a)
          for (std::size_t b = 0; b < S; ++b) {
            const std::size_t k = corner + a * W + b;
            const bool here = !routed && x[k] == y[o];
            routed = routed || here;
            if (overwrite)
              dx[k] = here ? dy[o] : 0.f;
            else if (here)
              dx[k] += dy[o];
          }
      }
}

}  // namespace pooling_detail

struct ScalarPooling {
  static void window_sum_forward(const PoolPlan& g, const float* x, float* y) {
    pool_forward(g, x, y, [](float a, float b) { return a + b; });
  }
  static void window_sum_backward(const PoolPlan& g, const float* dy, float* dx, bool overwrite) {
    for (std::size_t c = 0; c < g.planes; ++c)
      for (std::size_t h = 0; h < g.height; ++h)
        for (std::size_t w = 0; w < g.width; ++w) {
          const float gradient = dy[g.output(c, h / g.window, w / g.window)];
          float& target = dx[c * g.in_plane() + h * g.width + w];
          target = overwrite ? gradient : target + gradient;
        }
  }
  static void max_pool_forward(const PoolPlan& g, const float* x, float* y) {
    pool_forward(g, x, y, [](float a, float b) { return std::max(a, b); });
  }
  static void max_pool_backward(const PoolPlan& g, const float* x, const float* y, const float* dy, float* dx,
                                bool overwrite) {
    pooling_detail::max_pool_backward(g, x, y, dy, dx, overwrite);
  }

 private:
  template <class Combine>
  static void pool_forward(const PoolPlan& g, const float* x, float* y, Combine combine) {
    std::array<float, pooling_detail::slice_limit> rows;
    pooling_detail::for_each_row_slice(g, [&](std::size_t c, std::size_t i, std::size_t from, std::size_t length) {
          const float* first = x + g.first_row(c, i) + from;
          for (std::size_t w = 0; w < length; ++w) {
            float value = first[w];
            for (std::size_t a = 1; a < g.window; ++a) value = combine(value, first[a * g.width + w]);
            rows[w] = value;
          }
          pooling_detail::combine_columns(g, length, rows.data(), y + g.output(c, i, from / g.window), combine);
        });
  }
};

struct SimdPooling : SimdSupport {
  static void window_sum_forward(const PoolPlan& g, const float* x, float* y) {
    pool_forward(
        g, x, y, [](batch a, batch b) { return a + b; }, [](float a, float b) { return a + b; });
  }
  // Each window row's gradients, spread over the plane's width once, are
  // then written or added to the window's S rows in vectors.
  static void window_sum_backward(const PoolPlan& g, const float* dy, float* dx, bool overwrite) {
    alignas(64) std::array<float, pooling_detail::slice_limit> spread;
    pooling_detail::for_each_row_slice(g, [&](std::size_t c, std::size_t i, std::size_t from, std::size_t length) {
          for (std::size_t w = 0; w < length; ++w) spread[w] = dy[g.output(c, i, (from + w) / g.window)];
          for (std::size_t a = 0; a < g.window; ++a) {
            float* row = dx + g.first_row(c, i) + a * g.width + from;
            elementwise(
                length,
                [&](std::size_t k) { return overwrite ? load(spread.data() + k) : load(spread.data() + k) + load(row + k); },
                [&](std::size_t k, batch v) { v.store_unaligned(row + k); },
                [&](std::size_t k) { row[k] = overwrite ? spread[k] : row[k] + spread[k]; });
          }
        });
  }
  static void max_pool_forward(const PoolPlan& g, const float* x, float* y) {
    pool_forward(
        g, x, y, [](batch a, batch b) { return xsimd::max(a, b); }, [](float a, float b) { return std::max(a, b); });
  }
  static void max_pool_backward(const PoolPlan& g, const float* x, const float* y, const float* dy, float* dx,
                                bool overwrite) {
    pooling_detail::max_pool_backward(g, x, y, dy, dx, overwrite);
  }

 private:
  // A window's S rows combined in vectors across the plane's width, then its
  // S columns in scalar code.
  template <class Vector, class Scalar>
  static void pool_forward(const PoolPlan& g, const float* x, float* y, Vector combine_vectors, Scalar combine) {
    alignas(64) std::array<float, pooling_detail::slice_limit> rows;
    pooling_detail::for_each_row_slice(g, [&](std::size_t c, std::size_t i, std::size_t from, std::size_t length) {
          const float* first = x + g.first_row(c, i) + from;
          elementwise(
              length,
              [&](std::size_t k) {
                batch value = load(first + k);
                for (std::size_t a = 1; a < g.window; ++a) value = combine_vectors(value, load(first + a * g.width + k));
                return value;
              },
              [&](std::size_t k, batch v) { v.store_unaligned(rows.data() + k); },
              [&](std::size_t k) {
                float value = first[k];
                for (std::size_t a = 1; a < g.window; ++a) value = combine(value, first[a * g.width + k]);
                rows[k] = value;
              });
          pooling_detail::combine_columns(g, length, rows.data(), y + g.output(c, i, from / g.window), combine);
        });
  }
};

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
