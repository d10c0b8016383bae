#pragma once
// The per-element arithmetic of an AdamW step (optim/adamw.hpp derives the
// constants), shared by both kernel paths. The fused multiply-adds are
// explicit, so the scalar path, the SIMD path and its scalar tail round
// identically whatever the compiler's contraction settings.
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
