#pragma once
// The per-element arithmetic of an AdamW step (optim/adamw.hpp derives the
// constants): the scalar path, and the SIMD path's tail. The SIMD path does
// the same operations on vectors; the two can differ in the last bit where
// one multiply-add is fused and the other not (xsimd 8.1's AVX-512 fma is a
// plain x * y + z, fused or not as the optimizer decides).
#include <cmath>

namespace ctgrad::kernels {

struct AdamWConstants {
  float decay;                  // 1 - lr * weight_decay
  float one_minus_beta1;
  float beta2;
  float one_minus_beta2;
  float step_size;              // lr / (1 - beta1^t)
  float bias_correction2_sqrt;  // sqrt(1 - beta2^t)
  float eps;
};

inline void adamw_update_one(const AdamWConstants& c, float& value, float grad, float& exp_avg, float& exp_avg_sq) {
  value *= c.decay;
  exp_avg = std::fma(grad - exp_avg, c.one_minus_beta1, exp_avg);                 // lerp toward grad
  exp_avg_sq = std::fma(exp_avg_sq, c.beta2, c.one_minus_beta2 * grad * grad);
  const float denominator = std::sqrt(exp_avg_sq) / c.bias_correction2_sqrt + c.eps;
  value -= c.step_size * exp_avg / denominator;
}

}  // namespace ctgrad::kernels
