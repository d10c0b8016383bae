#pragma once
// Initialisation over a reflected parameter struct, with a generator whose
// output is the same on every platform (std:: distributions are not).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>

#include "ctgrad/core/random.hpp"
#include "ctgrad/nn/parameters.hpp"

namespace ctgrad {

// Inputs feeding one output unit, read from the weight's layout:
// [out, in-per-out, k, k] for a convolution, [in, out] for a matrix.
// Other ranks (untied biases [planes, h, w], vectors) are biases: fan-in 0.
constexpr std::size_t fan_in(std::span<const std::size_t> dims) {
  if (dims.size() == 4) return dims[1] * dims[2] * dims[3];
  if (dims.size() == 2) return dims[0];
  return 0;
}
template <class S>
constexpr std::size_t fan_in() {
  return fan_in(S::dims);
}

// Weights uniform in [-gain/sqrt(fan_in), +gain/sqrt(fan_in)], biases 0:
// LeCun 1989 uses gain 2.4. Parameters are drawn in declaration order.
template <class Params>
void init_uniform_fan_in(Params& params, std::mt19937& rng, float gain) {
  for (const ParameterRef& parameter : parameter_refs(params)) {
    const std::size_t inputs = fan_in(parameter.dims);
    if (inputs == 0) {
      std::fill(parameter.value.begin(), parameter.value.end(), 0.f);
    } else {
      const float bound = gain / std::sqrt(static_cast<float>(inputs));
      for (float& weight : parameter.value) weight = (uniform01(rng) * 2.f - 1.f) * bound;
    }
    std::fill(parameter.grad.begin(), parameter.grad.end(), 0.f);
  }
}

}  // namespace ctgrad
