#pragma once
// Learning-rate schedules, as functions of the pass (epoch) number.
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

}  // namespace ctgrad
