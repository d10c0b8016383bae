#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// Mean pooling over tokens: x [T, D] -> y [D], y = (1/T) sum_t x[t]. A ViT
// classifier head can read this instead of a class token.
// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class X>
constexpr auto mean_tokens_rule() {
  if constexpr (X::rank != 2)
    return broken<"mean_tokens: the input must be a matrix [tokens, features], not {}", X>;
  else
    return holds;
}

template <class X>
struct MeanTokens : OpBase {
  using in_shape = typename X::shape;
  static_assert(checked<mean_tokens_rule<in_shape>()>);
  static constexpr std::size_t tokens = in_shape::dims[0];
  static constexpr std::size_t features = in_shape::dims[1];
  using shape = Shape<features>;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "mean_tokens";
  static constexpr float inverse_tokens = 1.f / static_cast<float>(tokens);
  arguments args;
  bool operator==(const MeanTokens&) const = default;

  // ONNX (io/onnx.hpp): ReduceMean over the tokens.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const {
    const std::vector<std::int64_t> tokens_axis = {onnx.axis(x, 0)};
    return onnx.node("ReduceMean", {x}, {{"axes", tokens_axis}, {"keepdims", std::int64_t{0}}});
  }

  template <class K>
  void forward(const Tensor<in_shape>& x, Tensor<shape>& y, NoScratch&) const {
    y.fill(0.f);
    for (std::size_t t = 0; t < tokens; ++t)
      K::template axpy<features>(inverse_tokens, x.data() + t * features, y.data());
  }
  template <class K, class DX>
  void backward(const Tensor<in_shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>)
      for (std::size_t t = 0; t < tokens; ++t)
        K::template axpy<features>(inverse_tokens, dy.data(), dx.data() + t * features);
  }
};

struct mean_tokens_spec : makes<MeanTokens> {  // mean_tokens(x) (core/shape_rule.hpp, checked_factory)
  template <operand X>
  static constexpr auto rule() { return mean_tokens_rule<shape_of<X>>(); }
};
inline constexpr checked_factory<mean_tokens_spec> mean_tokens{};

}  // namespace ctgrad
