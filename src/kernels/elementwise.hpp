#pragma once
// The elementwise kernel family, both paths: activations, the everyday
// arithmetic (add, multiply, scale, axpy, ...), softmax's helpers, and the
// reductions sum, max and dot.
//
// Each rule is written once, as an element function in namespace `element`
// (an activation: as a rule in ctgrad/kernels/activations.hpp, its scalar
// and vector forms side by side). ScalarElementwise loops over it;
// SimdElementwise computes whole vectors with xsimd and calls the same
// element function for lengths below one vector (its tail). A vector formula
// may be arranged differently (a fused multiply-add, a select) but takes its
// constants from the element rule.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

#include "ctgrad/kernels/activations.hpp"

#include "src/kernels/simd_support.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

namespace element {
inline float add(float a, float b) { return a + b; }
inline float subtract(float a, float b) { return a - b; }
inline float multiply(float a, float b) { return a * b; }
inline float scale(float factor, float x) { return factor * x; }
// One rounding, as the SIMD path's multiply_add, at every optimization level (not only
// where the compiler contracts c + a * b): the two paths' short rows agree to the bit.
inline float multiply_add(float a, float b, float c) { return std::fma(a, b, c); }  // axpy, accumulate_product
// Softmax: its numerators, shifted by the row's largest value, and its
// vector-Jacobian product's term y (dy - weighted), weighted = dot(dy, y).
inline float exp_shifted(float x, float shift) { return std::exp(x - shift); }
inline float softmax_gradient(float y, float dy, float weighted) { return y * (dy - weighted); }
}  // namespace element

// ---- the scalar path: a loop over each element function -------------------------------
struct ScalarElementwise {
  // An activation's rule (kernels/activations.hpp) in a loop.
  template <class Rule>
  static void activation_forward(std::size_t n, const float* x, float* y) {
    activation::forward_loop(Rule{}, n, x, y);
  }
  template <class Rule, bool Write>
  static void activation_backward(std::size_t n, const float* x, const float* y, const float* dy, float* dx) {
    activation::backward_loop<Write>(Rule{}, n, x, y, dy, dx);
  }
  template <class Rule>
  static void activation_curvature(std::size_t n, const float* x, const float* y, const float* cy, float* cx) {
    activation::curvature_loop(Rule{}, n, x, y, cy, cx);
  }
  // out = x^2: the squared weights and inputs of the curvature pass
  static void square(std::size_t n, const float* x, float* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = element::multiply(x[i], x[i]);
  }

  static void add(std::size_t n, const float* a, const float* b, float* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = element::add(a[i], b[i]);
  }
  // target += source
  static void accumulate(std::size_t n, const float* source, float* target) {
    for (std::size_t i = 0; i < n; ++i) target[i] = element::add(target[i], source[i]);
  }
  static void subtract(std::size_t n, const float* a, const float* b, float* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = element::subtract(a[i], b[i]);
  }
  static void multiply(std::size_t n, const float* a, const float* b, float* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = element::multiply(a[i], b[i]);
  }
  // target += a * b
  static void accumulate_product(std::size_t n, const float* a, const float* b, float* target) {
    for (std::size_t i = 0; i < n; ++i) target[i] = element::multiply_add(a[i], b[i], target[i]);
  }
  // out = factor * x
  static void scale(std::size_t n, float factor, const float* x, float* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = element::scale(factor, x[i]);
  }
  // y += alpha * x
  static void axpy(std::size_t n, float alpha, const float* x, float* y) {
    for (std::size_t i = 0; i < n; ++i) y[i] = element::multiply_add(alpha, x[i], y[i]);
  }
  // out = x + value: one bias added to a whole plane
  static void add_constant(std::size_t n, const float* x, float value, float* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = element::add(x[i], value);
  }
  // y = e^(x - shift): softmax's numerators
  static void exp_shifted(std::size_t n, const float* x, float shift, float* y) {
    for (std::size_t i = 0; i < n; ++i) y[i] = element::exp_shifted(x[i], shift);
  }
  // dx += y (dy - weighted): softmax's vector-Jacobian product
  static void softmax_backward_row(std::size_t n, const float* y, const float* dy, float weighted, float* dx) {
    for (std::size_t i = 0; i < n; ++i) dx[i] += element::softmax_gradient(y[i], dy[i], weighted);
  }

  static void fill(std::size_t n, float value, float* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = value;
  }
  static void copy_block(const Block& b, const float* from, float* to, bool accumulate) {
    b.for_each_row(from, to, [cols = b.cols, accumulate](const float* source, float* target) {
      if (accumulate)
        for (std::size_t i = 0; i < cols; ++i) target[i] = element::add(target[i], source[i]);
      else
        for (std::size_t i = 0; i < cols; ++i) target[i] = source[i];
    });
  }

  // ---- reductions, in index order (the SIMD path's answer for n below one vector);
  // dot fuses each multiply-add explicitly, so both paths round alike wherever
  // the compiler inlines it ----
  static float sum(std::size_t n, const float* x) {
    float total = 0;
    for (std::size_t i = 0; i < n; ++i) total += x[i];
    return total;
  }
  static float max(std::size_t n, const float* x) {
    float largest = x[0];
    for (std::size_t i = 1; i < n; ++i) largest = std::max(largest, x[i]);
    return largest;
  }
  static float dot(std::size_t n, const float* a, const float* b) {
    float total = 0;
    for (std::size_t i = 0; i < n; ++i) total = element::multiply_add(a[i], b[i], total);
    return total;
  }
};

// ---- the SIMD path: vectors, and the element function for the tail -----------------
struct SimdElementwise : SimdSupport {
  // An activation's vector rule; its scalar rule for the elements below one
  // vector (elementwise()'s tail), except the forward, which pads one vector
  // (LeNet-1's 10 outputs: one vector beats ten calls of std::tanh).
  template <class Rule>
  static void activation_forward(std::size_t n, const float* x, float* y) {
    if (n < width) {
      alignas(64) std::array<float, width> lanes{};
      copy_floats(lanes.data(), x, n);
      batch(Rule::template forward_vector<SimdSupport>(batch::load_aligned(lanes.data()))).store_aligned(lanes.data());
      copy_floats(y, lanes.data(), n);
      return;
    }
    elementwise(n, [&](std::size_t i) { return batch(Rule::template forward_vector<SimdSupport>(load(x + i))); },
                   [&](std::size_t i, batch v) { v.store_unaligned(y + i); },
                   [&](std::size_t i) { activation::forward_loop(Rule{}, 1, x + i, y + i); });
  }
  // Write: dx = dy f'(x), the backward from dx = 0, for dx's first writer.
  template <class Rule, bool Write>
  static void activation_backward(std::size_t n, const float* x, const float* y, const float* dy, float* dx) {
    const batch zero(0.f);
    elementwise(n, 
        [&](std::size_t i) {
          return Rule::template backward_vector<SimdSupport>(load(x + i), load(y + i), load(dy + i),
                                                             Write ? zero : load(dx + i));
        },
        [&](std::size_t i, batch v) { v.store_unaligned(dx + i); },
        [&](std::size_t i) { activation::backward_loop<Write>(Rule{}, 1, x + i, y + i, dy + i, dx + i); });
  }
  // cx += cy f'(x)^2
  template <class Rule>
  static void activation_curvature(std::size_t n, const float* x, const float* y, const float* cy, float* cx) {
    const batch zero(0.f), one(1.f);
    elementwise(n, 
        [&](std::size_t i) {
          const batch slope = Rule::template backward_vector<SimdSupport>(load(x + i), load(y + i), one, zero);
          return multiply_add(load(cy + i) * slope, slope, load(cx + i));
        },
        [&](std::size_t i, batch v) { v.store_unaligned(cx + i); },
        [&](std::size_t i) { activation::curvature_loop(Rule{}, 1, x + i, y + i, cy + i, cx + i); });
  }
  // out = x^2
  static void square(std::size_t n, const float* x, float* out) {
    elementwise(n, [&](std::size_t i) { return load(x + i) * load(x + i); },
                   [&](std::size_t i, batch v) { v.store_unaligned(out + i); },
                   [&](std::size_t i) { out[i] = element::multiply(x[i], x[i]); });
  }

  static void add(std::size_t n, const float* a, const float* b, float* out) {
    elementwise(n, [&](std::size_t i) { return load(a + i) + load(b + i); },
                   [&](std::size_t i, batch v) { v.store_unaligned(out + i); },
                   [&](std::size_t i) { out[i] = element::add(a[i], b[i]); });
  }
  static void accumulate(std::size_t n, const float* source, float* target) {
    elementwise(n, [&](std::size_t i) { return load(target + i) + load(source + i); },
                   [&](std::size_t i, batch v) { v.store_unaligned(target + i); },
                   [&](std::size_t i) { target[i] = element::add(target[i], source[i]); });
  }
  static void subtract(std::size_t n, const float* a, const float* b, float* out) {
    elementwise(n, [&](std::size_t i) { return load(a + i) - load(b + i); },
                   [&](std::size_t i, batch v) { v.store_unaligned(out + i); },
                   [&](std::size_t i) { out[i] = element::subtract(a[i], b[i]); });
  }
  static void multiply(std::size_t n, const float* a, const float* b, float* out) {
    elementwise(n, [&](std::size_t i) { return load(a + i) * load(b + i); },
                   [&](std::size_t i, batch v) { v.store_unaligned(out + i); },
                   [&](std::size_t i) { out[i] = element::multiply(a[i], b[i]); });
  }
  static void accumulate_product(std::size_t n, const float* a, const float* b, float* target) {
    elementwise(n, [&](std::size_t i) { return multiply_add(load(a + i), load(b + i), load(target + i)); },
                   [&](std::size_t i, batch v) { v.store_unaligned(target + i); },
                   [&](std::size_t i) { target[i] = element::multiply_add(a[i], b[i], target[i]); });
  }
  static void scale(std::size_t n, float factor, const float* x, float* out) {
    const batch f(factor);
    elementwise(n, [&](std::size_t i) { return f * load(x + i); },
                   [&](std::size_t i, batch v) { v.store_unaligned(out + i); },
                   [&](std::size_t i) { out[i] = element::scale(factor, x[i]); });
  }
  static void axpy(std::size_t n, float alpha, const float* x, float* y) {
    if (n < width && narrow_width(n) > 1) {
      // Rows shorter than a vector (a transformer head's 8 features on
      // AVX-512: attention's dq, dk and dv, the matmul family's short rows)
      // take the widest narrower vector instead of n scalar steps.
      short_row_times(n, true, 1, [&](std::size_t) { return alpha; }, [&](std::size_t) { return x; }, y);
    } else {
      const batch a(alpha);
      elementwise(n, [&](std::size_t i) { return multiply_add(a, load(x + i), load(y + i)); },
                     [&](std::size_t i, batch v) { v.store_unaligned(y + i); },
                     [&](std::size_t i) { y[i] = element::multiply_add(alpha, x[i], y[i]); });
    }
  }
  static void add_constant(std::size_t n, const float* x, float value, float* out) {
    const batch v(value);
    elementwise(n, [&](std::size_t i) { return load(x + i) + v; },
                   [&](std::size_t i, batch result) { result.store_unaligned(out + i); },
                   [&](std::size_t i) { out[i] = element::add(x[i], value); });
  }
  static void exp_shifted(std::size_t n, const float* x, float shift, float* y) {
    const batch s(shift);
    elementwise(n, [&](std::size_t i) { return xsimd::exp(load(x + i) - s); },
                   [&](std::size_t i, batch v) { v.store_unaligned(y + i); },
                   [&](std::size_t i) { y[i] = element::exp_shifted(x[i], shift); });
  }
  static void softmax_backward_row(std::size_t n, const float* y, const float* dy, float weighted, float* dx) {
    const batch w(weighted);
    elementwise(n, [&](std::size_t i) { return multiply_add(load(y + i), load(dy + i) - w, load(dx + i)); },
                   [&](std::size_t i, batch v) { v.store_unaligned(dx + i); },
                   [&](std::size_t i) { dx[i] += element::softmax_gradient(y[i], dy[i], weighted); });
  }

  static void fill(std::size_t n, float value, float* out) {
    const batch v(value);
    elementwise(n, [&](std::size_t) { return v; }, [&](std::size_t i, batch same) { same.store_unaligned(out + i); },
                [&](std::size_t i) { out[i] = value; });
  }
  // Rows shorter than a vector (a pad's 8-float rows on AVX-512) copy as
  // the widest narrower vectors: copy_floats.
  static void copy_block(const Block& b, const float* from, float* to, bool accumulate) {
    b.for_each_row(from, to, [cols = b.cols, accumulate](const float* source, float* target) {
      if (accumulate)
        SimdElementwise::accumulate(cols, source, target);
      else
        copy_floats(target, source, cols);
    });
  }

  // ---- reductions: below one vector, the scalar path's loop -----------------
  static float sum(std::size_t n, const float* x) {
    if (n < width) {
      return ScalarElementwise::sum(n, x);
    } else {
      batch total(0.f);
      for (std::size_t i = 0; i + width <= n; i += width) total += load(x + i);
      if (n % width != 0) total = multiply_add(load(x + n - width), ragged_tail_weights(n), total);
      return xsimd::hadd(total);
    }
  }
  static float max(std::size_t n, const float* x) {
    if (n < width) {
      return ScalarElementwise::max(n, x);
    } else {
      batch largest = load(x);  // the overlapping last vector is harmless for a maximum
      for (std::size_t i = width; i < n; i += width) largest = xsimd::max(largest, load(x + std::min(i, n - width)));
      alignas(64) std::array<float, width> lanes;
      largest.store_aligned(lanes.data());
      return ScalarElementwise::max(width, lanes.data());
    }
  }
  static float dot(std::size_t n, const float* a, const float* b) {
    if (n < width) {
      return ScalarElementwise::dot(n, a, b);
    } else {
      batch total(0.f);
      for (std::size_t i = 0; i + width <= n; i += width) total = multiply_add(load(a + i), load(b + i), total);
      if (n % width != 0)
        total = multiply_add(load(a + n - width) * ragged_tail_weights(n), load(b + n - width), total);
      return xsimd::hadd(total);
    }
  }
};

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
