#pragma once
// Initialisation over a reflected parameter struct, with a generator whose
// output is the same on every platform (std:: distributions are not).
#include <cmath>
#include <cstdint>
#include <random>

#include "ctgrad/core/random.hpp"
#include "ctgrad/nn/parameters.hpp"

namespace ctgrad {

// Inputs feeding one output unit, read from the weight's layout:
// [out, in-per-out, k, k] for a convolution, [in, out] for a matrix.
// Other ranks (untied biases [planes, h, w], vectors) are biases: fan-in 0.
template <class S>
constexpr std::size_t fan_in() {
  if constexpr (S::rank == 4) return S::dims[1] * S::dims[2] * S::dims[3];
  else if constexpr (S::rank == 2) return S::dims[0];
  else return 0;
}

// Weights uniform in [-gain/sqrt(fan_in), +gain/sqrt(fan_in)], biases 0:
// LeCun 1989 uses gain 2.4. Parameters are drawn in declaration order.
template <class Params>
void init_uniform_fan_in(Params& params, std::mt19937& rng, float gain) {
  for_each_parameter(params, [&](auto& parameter) {
    using S = typename std::remove_cvref_t<decltype(parameter)>::shape;
    constexpr std::size_t inputs = fan_in<S>();
    if constexpr (inputs == 0) {
      parameter.value.fill(0.f);
    } else {
      const float bound = gain / std::sqrt(static_cast<float>(inputs));
      for (float& weight : parameter.value) weight = (uniform01(rng) * 2.f - 1.f) * bound;
    }
    parameter.grad.fill(0.f);
  });
}

}  // namespace ctgrad
