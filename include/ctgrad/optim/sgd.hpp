#pragma once
// Plain stochastic gradient descent over a reflected parameter struct:
// value -= lr * grad, then grad = 0 for the next step's accumulation.
#include "ctgrad/kernels/kernels.hpp"
#include "ctgrad/nn/parameters.hpp"

namespace ctgrad {

template <class K = kernels::Default, class Params>
void sgd_step(Params& params, float learning_rate) {
  for (const ParameterRef& parameter : parameter_refs(params))
    K::sgd_update(parameter.value.size(), learning_rate, parameter.grad.data(), parameter.value.data());
}

}  // namespace ctgrad
