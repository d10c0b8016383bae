#pragma once
// Non-overlapping S x S windows over [planes, height, width] planes: the
// window sums of LeNet-5's subsampling layers and max pooling, both paths
// side by side.
//   window_sum_forward<G>(x, y)                y = the sum of each window
//   window_sum_backward<G, Overwrite>(dy, dx)  each window's dx (=|+=) its dy
//   max_pool_forward<G>(x, y)                  y = the largest of each window
//   max_pool_backward<G, Overwrite>(x, y, dy, dx)
//       each dy to the first element of its window (row by row) that equals
//       the window's maximum, as PyTorch's max_pool2d; with Overwrite the
//       window's other elements are set to 0
// G is a PoolGeometry. A window's S rows are combined first, a whole row of
// the plane at a time, then its S columns: the SIMD path does the first in
// vectors and the second in scalar code, the scalar path in the same order,
// so both give the same sums. The routing of max_pool_backward is sequential
// (ties must go to exactly one element: after a ReLU a window of zeros is
// common), so both paths share it.
#include <algorithm>
#include <array>
#include <cstddef>

#include "ctgrad/kernels/simd_support.hpp"

namespace ctgrad::kernels {

template <std::size_t Planes, std::size_t Height, std::size_t Width, std::size_t Window>
struct PoolGeometry {
  static_assert(Window >= 1 && Height % Window == 0 && Width % Window == 0,
                "PoolGeometry: the window must divide the height and the width (the ops check this first)");
  static constexpr std::size_t planes = Planes, height = Height, width = Width, window = Window;
  static constexpr std::size_t out_h = Height / Window, out_w = Width / Window;
  static constexpr std::size_t in_plane = Height * Width, out_plane = out_h * out_w;
  // The first of the window's rows of output row `i` in plane `c`.
  static constexpr std::size_t first_row(std::size_t c, std::size_t i) { return c * in_plane + i * Window * Width; }
  static constexpr std::size_t output(std::size_t c, std::size_t i, std::size_t j) {
    return c * out_plane + i * out_w + j;
  }
};

namespace pooling_detail {

// The columns of each window of one combined row: y[j] = f(row[j S], ..., row[j S + S - 1]).
template <class G, class Combine>
void combine_columns(const float* row, float* y, Combine combine) {
  for (std::size_t j = 0; j < G::out_w; ++j) {
    float value = row[j * G::window];
    for (std::size_t b = 1; b < G::window; ++b) value = combine(value, row[j * G::window + b]);
    y[j] = value;
  }
}

template <class G, bool Overwrite>
void max_pool_backward(const float* x, const float* y, const float* dy, float* dx) {
  constexpr std::size_t S = G::window, W = G::width;
  for (std::size_t c = 0; c < G::planes; ++c)
    for (std::size_t i = 0; i < G::out_h; ++i)
      for (std::size_t j = 0; j < G::out_w; ++j) {
        const std::size_t o = G::output(c, i, j), corner = G::first_row(c, i) + j * S;
        bool routed = false;
        for (std::size_t a = 0; a < S; ++a)
          for (std::size_t b = 0; b < S; ++b) {
            const std::size_t k = corner + a * W + b;
            const bool here = !routed && x[k] == y[o];
            routed = routed || here;
            if constexpr (Overwrite)
              dx[k] = here ? dy[o] : 0.f;
            else if (here)
              dx[k] += dy[o];
          }
      }
}

}  // namespace pooling_detail

struct ScalarPooling {
  template <class G>
  static void window_sum_forward(const float* x, float* y) {
    pool_forward<G>(x, y, [](float a, float b) { return a + b; });
  }
  template <class G, bool Overwrite = false>
  static void window_sum_backward(const float* dy, float* dx) {
    for (std::size_t c = 0; c < G::planes; ++c)
      for (std::size_t h = 0; h < G::height; ++h)
        for (std::size_t w = 0; w < G::width; ++w) {
          const float g = dy[G::output(c, h / G::window, w / G::window)];
          float& target = dx[c * G::in_plane + h * G::width + w];
          target = Overwrite ? g : target + g;
        }
  }
  template <class G>
  static void max_pool_forward(const float* x, float* y) {
    pool_forward<G>(x, y, [](float a, float b) { return std::max(a, b); });
  }
  template <class G, bool Overwrite = false>
  static void max_pool_backward(const float* x, const float* y, const float* dy, float* dx) {
    pooling_detail::max_pool_backward<G, Overwrite>(x, y, dy, dx);
  }

 private:
  template <class G, class Combine>
  static void pool_forward(const float* x, float* y, Combine combine) {
    std::array<float, G::width> rows;
    for (std::size_t c = 0; c < G::planes; ++c)
      for (std::size_t i = 0; i < G::out_h; ++i) {
        const float* first = x + G::first_row(c, i);
        for (std::size_t w = 0; w < G::width; ++w) {
          float value = first[w];
          for (std::size_t a = 1; a < G::window; ++a) value = combine(value, first[a * G::width + w]);
          rows[w] = value;
        }
        pooling_detail::combine_columns<G>(rows.data(), y + G::output(c, i, 0), combine);
      }
  }
};

struct SimdPooling : SimdSupport {
  template <class G>
  static void window_sum_forward(const float* x, float* y) {
    pool_forward<G>(
        x, y, [](batch a, batch b) { return a + b; }, [](float a, float b) { return a + b; });
  }
  // Each window row's gradients, spread over the plane's width once, are
  // then written or added to the window's S rows in vectors.
  template <class G, bool Overwrite = false>
  static void window_sum_backward(const float* dy, float* dx) {
    alignas(64) std::array<float, G::width> spread;
    for (std::size_t c = 0; c < G::planes; ++c)
      for (std::size_t i = 0; i < G::out_h; ++i) {
        for (std::size_t w = 0; w < G::width; ++w) spread[w] = dy[G::output(c, i, w / G::window)];
        for (std::size_t a = 0; a < G::window; ++a) {
          float* row = dx + G::first_row(c, i) + a * G::width;
          elementwise<G::width>(
              [&](std::size_t k) { return Overwrite ? load(spread.data() + k) : load(spread.data() + k) + load(row + k); },
              [&](std::size_t k, batch v) { v.store_unaligned(row + k); },
              [&](std::size_t k) { row[k] = Overwrite ? spread[k] : row[k] + spread[k]; });
        }
      }
  }
  template <class G>
  static void max_pool_forward(const float* x, float* y) {
    pool_forward<G>(
        x, y, [](batch a, batch b) { return xsimd::max(a, b); }, [](float a, float b) { return std::max(a, b); });
  }
  template <class G, bool Overwrite = false>
  static void max_pool_backward(const float* x, const float* y, const float* dy, float* dx) {
    pooling_detail::max_pool_backward<G, Overwrite>(x, y, dy, dx);
  }

 private:
  // A window's S rows combined in vectors across the plane's whole width,
  // then its S columns in scalar code.
  template <class G, class Vector, class Scalar>
  static void pool_forward(const float* x, float* y, Vector combine_vectors, Scalar combine) {
    alignas(64) std::array<float, G::width> rows;
    for (std::size_t c = 0; c < G::planes; ++c)
      for (std::size_t i = 0; i < G::out_h; ++i) {
        const float* first = x + G::first_row(c, i);
        elementwise<G::width>(
            [&](std::size_t k) {
              batch value = load(first + k);
              for (std::size_t a = 1; a < G::window; ++a) value = combine_vectors(value, load(first + a * G::width + k));
              return value;
            },
            [&](std::size_t k, batch v) { v.store_unaligned(rows.data() + k); },
            [&](std::size_t k) {
              float value = first[k];
              for (std::size_t a = 1; a < G::window; ++a) value = combine(value, first[a * G::width + k]);
              rows[k] = value;
            });
        pooling_detail::combine_columns<G>(rows.data(), y + G::output(c, i, 0), combine);
      }
  }
};

}  // namespace ctgrad::kernels
