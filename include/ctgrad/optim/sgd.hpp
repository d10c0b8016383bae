#pragma once
// Plain stochastic gradient descent over a reflected parameter struct:
// value -= lr * grad, then grad = 0 for the next step's accumulation.
#include "ctgrad/kernels/kernels.hpp"
#include "ctgrad/nn/parameters.hpp"

namespace ctgrad {

template <class K = kernels::Default, class Params>
void sgd_step(Params& params, float learning_rate) {
  for_each_parameter(params, [&](auto& parameter) {
    constexpr std::size_t n = std::remove_cvref_t<decltype(parameter)>::shape::size;
    K::template sgd_update<n>(learning_rate, parameter.grad.data(), parameter.value.data());
  });
}

}  // namespace ctgrad
