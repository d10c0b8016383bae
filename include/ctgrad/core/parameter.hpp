#pragma once
// A trainable tensor and its gradient. The name is part of the type: it is the
// checkpoint key (safetensors), the summary label, and the node's identity in
// a compiled graph (two uses of one parameter are one leaf).
#include "ctgrad/core/fixed_string.hpp"
#include "ctgrad/core/tensor.hpp"

namespace ctgrad {

template <class S, fixed_string Name, class T = float>
struct Parameter {
  using shape = S;
  using value_type = T;
  static constexpr std::string_view name = Name.view();

  Tensor<S, T> value;
  Tensor<S, T> grad;
  // The diagonal Gauss-Newton estimate of d2E/dw2 (graph/curvature.hpp
  // accumulates into it; optim/sdlm.hpp divides the step by it).
  Tensor<S, T> curvature;
};

template <class P>
struct is_parameter : std::false_type {};
template <class S, fixed_string Name, class T>
struct is_parameter<Parameter<S, Name, T>> : std::true_type {};

}  // namespace ctgrad
