#pragma once
// Learning-rate schedules, as functions of the pass (epoch) or step number.
#include <cmath>
#include <cstddef>

namespace ctgrad {

// Linear from learning_rate at pass 0 to learning_rate * final_fraction at the
// last pass, passes - 1 (the lecun1989-repro modern.py: lr down to lr / 3).
// A single pass keeps learning_rate.
constexpr float linear_decay(float learning_rate, std::size_t pass, std::size_t passes,
                             double final_fraction = 1.0 / 3.0) {
  if (passes <= 1) return learning_rate;
  const double alpha = static_cast<double>(pass) / static_cast<double>(passes - 1);
  return static_cast<float>((1.0 - alpha) * learning_rate + alpha * (learning_rate * final_fraction));
}

// PyTorch's OneCycleLR (Smith and Topin 2018) with its defaults
// (anneal_strategy "cos", div_factor 25, final_div_factor 1e4, two phases):
// from peak / 25 up to `peak` over the first `warmup` fraction of the
// `total` steps, then down to peak / 25e4 at the last step, both along
// cosines. `step` counts from 0, as PyTorch's scheduler does before its
// first step().
inline float one_cycle(float peak, std::size_t step, std::size_t total, double warmup = 0.3) {
  const double initial = peak / 25.0, final = initial / 1e4;
  const double warmup_end = warmup * static_cast<double>(total) - 1.0, end = static_cast<double>(total) - 1.0;
  const auto anneal = [](double from, double to, double fraction) {
    return to + (from - to) / 2.0 * (std::cos(3.14159265358979323846 * fraction) + 1.0);
  };
  const double s = static_cast<double>(step);
  if (s <= warmup_end) return static_cast<float>(anneal(initial, peak, warmup_end > 0 ? s / warmup_end : 1.0));
  return static_cast<float>(anneal(peak, final, end > warmup_end ? (s - warmup_end) / (end - warmup_end) : 1.0));
}

}  // namespace ctgrad
