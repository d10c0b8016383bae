#pragma once
// The optimizer-update kernel family, both paths: SGD's and AdamW's in-place
// updates of a parameter from its gradient (optim/sgd.hpp, optim/adamw.hpp).
// Each rule is an element function; the scalar path loops over it, the SIMD
// path does the same operations on vectors and calls it for the tail. (axpy,
// y += alpha x, is in elementwise.hpp: the ops and matmul use it too.)
#include <cmath>
#include <cstddef>

#include "ctgrad/kernels/geometry.hpp"
#include "src/kernels/simd_support.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

namespace element {
// value += -lr * grad, then grad = 0: SGD's update and the gradient's reset
// for the next step in one pass over both (they do not fit L1 together).
// One fused multiply-add, as the SIMD path's vectors do, whether or not the
// compiler would contract the expression where it is inlined.
inline void sgd_update(float learning_rate, float& grad, float& value) {
  value = std::fma(-learning_rate, grad, value);
  grad = 0.f;
}
// One step of stochastic diagonal Levenberg-Marquardt (LeCun et al. 1998,
// "Efficient BackProp" 9.1): the learning rate divided by the parameter's
// Gauss-Newton curvature estimate plus mu, which bounds the step where the
// curvature is near zero.
inline void sdlm_update(float eta, float mu, float curvature, float& grad, float& value) {
  value -= eta / (mu + curvature) * grad;
  grad = 0.f;
}
// One AdamW step. The SIMD path's vectors do the same operations; the two can
// differ in the last bit where one multiply-add is fused and the other not
// (xsimd 8.1's AVX-512 fma is a plain x * y + z, fused or not as the
// optimizer decides).
inline void adamw_update(const AdamWConstants& c, float& value, float grad, float& exp_avg, float& exp_avg_sq) {
  value *= c.decay;
  exp_avg = std::fma(grad - exp_avg, c.one_minus_beta1, exp_avg);  // lerp toward grad
  exp_avg_sq = std::fma(exp_avg_sq, c.beta2, c.one_minus_beta2 * grad * grad);
  const float denominator = std::sqrt(exp_avg_sq) / c.bias_correction2_sqrt + c.eps;
  value -= c.step_size * exp_avg / denominator;
}
}  // namespace element

// ---- the scalar path -----------------------------------------------------------
struct ScalarOptimizer {
  static void sgd_update(std::size_t n, float learning_rate, float* grad, float* value) {
    for (std::size_t i = 0; i < n; ++i) element::sgd_update(learning_rate, grad[i], value[i]);
  }
  // SDLM: value -= eta / (mu + curvature) grad, grad = 0
  static void sdlm_update(std::size_t n, float eta, float mu, const float* curvature, float* grad, float* value) {
    for (std::size_t i = 0; i < n; ++i) element::sdlm_update(eta, mu, curvature[i], grad[i], value[i]);
  }
  // AdamW, in place
  static void adamw_update(std::size_t n, const AdamWConstants& c, float* value, const float* grad, float* exp_avg,
                           float* exp_avg_sq) {
    for (std::size_t i = 0; i < n; ++i) element::adamw_update(c, value[i], grad[i], exp_avg[i], exp_avg_sq[i]);
  }
};

// ---- the SIMD path ---------------------------------------------------------------
struct SimdOptimizer : SimdSupport {
  static void sgd_update(std::size_t n, float learning_rate, float* grad, float* value) {
    const batch scale(-learning_rate), zero(0.f);
    elementwise(n, [&](std::size_t i) { return multiply_add(scale, load(grad + i), load(value + i)); },
                   [&](std::size_t i, batch v) {
                     v.store_unaligned(value + i);
                     zero.store_unaligned(grad + i);
                   },
                   [&](std::size_t i) { element::sgd_update(learning_rate, grad[i], value[i]); });
  }
  // SDLM: the same division per element as the scalar path (no approximate
  // reciprocal), so both paths step alike.
  static void sdlm_update(std::size_t n, float eta, float mu, const float* curvature, float* grad, float* value) {
    const batch rate(eta), damping(mu), zero(0.f);
    elementwise(n, 
        [&](std::size_t i) { return load(value + i) - rate / (damping + load(curvature + i)) * load(grad + i); },
        [&](std::size_t i, batch v) {
          v.store_unaligned(value + i);
          zero.store_unaligned(grad + i);
        },
        [&](std::size_t i) { element::sdlm_update(eta, mu, curvature[i], grad[i], value[i]); });
  }
  // AdamW, in place: whole vectors, then the element function for the tail
  // (an overlapping vector would update its elements twice).
  static void adamw_update(std::size_t n, const AdamWConstants& c, float* value, const float* grad, float* exp_avg,
                           float* exp_avg_sq) {
    const batch decay(c.decay), one_minus_beta1(c.one_minus_beta1), beta2(c.beta2),
        one_minus_beta2(c.one_minus_beta2), step_size(c.step_size), bias_correction2_sqrt(c.bias_correction2_sqrt),
        eps(c.eps);
    const std::size_t vectors = n / width;
    for (std::size_t i = 0; i < vectors * width; i += width) {
      const batch g = load(grad + i);
      const batch m = multiply_add(g - load(exp_avg + i), one_minus_beta1, load(exp_avg + i));
      const batch v = multiply_add(load(exp_avg_sq + i), beta2, one_minus_beta2 * g * g);
      const batch denominator = xsimd::sqrt(v) / bias_correction2_sqrt + eps;
      (load(value + i) * decay - step_size * m / denominator).store_unaligned(value + i);
      m.store_unaligned(exp_avg + i);
      v.store_unaligned(exp_avg_sq + i);
    }
    for (std::size_t i = vectors * width; i < n; ++i)
      element::adamw_update(c, value[i], grad[i], exp_avg[i], exp_avg_sq[i]);
  }
};

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
