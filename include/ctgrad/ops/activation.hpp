#pragma once
// An activation as a graph node: y = f(x) elementwise, any shape, for any
// rule of kernels/activations.hpp (relu, tanh, sigmoid, gelu) or a user's own
// (docs/extending.md). The node holds the rule (a rule may carry run-time
// data); forward, backward, the first writer's backward and the curvature
// pass all come from the rule's forward and backward.
#include "ctgrad/kernels/activations.hpp"
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

template <activation::Rule Rule, class X>
struct Activation : OpBase {
  using shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = Rule::name;
  static constexpr bool writes_input_grads = true;
  static constexpr bool has_curvature_rule = true;  // Gauss-Newton: c_x = f'(x)^2 c_y
  arguments args;
  [[no_unique_address]] Rule rule;
  bool operator==(const Activation& other) const {
    if constexpr (std::is_empty_v<Rule>)
      return args == other.args;
    else
      return args == other.args && rule == other.rule;
  }

  // ONNX (io/onnx.hpp): the rule's nodes.
  template <class Onnx, class Value>
    requires requires(const Rule& r, Onnx& onnx, const Value& x) { r.to_onnx(onnx, x); }
  Value to_onnx(Onnx& onnx, const Value& x) const {
    return rule.to_onnx(onnx, x);
  }

  template <class K>
  void forward(const Tensor<shape>& x, Tensor<shape>& y, NoScratch&) const {
    K::template activation_forward<shape::size>(rule, x.data(), y.data());
  }
  template <class K, class DX>
  void backward(const Tensor<shape>& x, const Tensor<shape>& y, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>)
      K::template activation_backward<shape::size, DX::overwrite>(rule, x.data(), y.data(), dy.data(), dx.data());
  }
  template <class K, class CX>
  void curvature(const Tensor<shape>& x, const Tensor<shape>& y, const Tensor<shape>& cy, CX cx, NoScratch&,
                 NoScratch&) const {
    if constexpr (wants_grad<CX>)
      K::template activation_curvature<shape::size>(rule, x.data(), y.data(), cy.data(), cx.data());
  }
};

// The rule applied to x elementwise (an expression or a Parameter).
template <activation::Rule Rule, class X>
constexpr auto elementwise(Rule rule, X&& x) {
  return Activation<Rule, expr_t<X>>{{}, {as_expr(x)}, rule};
}

template <class X>
constexpr auto relu(X&& x) { return elementwise(activation::Relu{}, x); }
template <class X>
constexpr auto tanh(X&& x) { return elementwise(activation::Tanh{}, x); }
template <class X>
constexpr auto sigmoid(X&& x) { return elementwise(activation::Sigmoid{}, x); }
template <class X>
constexpr auto gelu(X&& x) { return elementwise(activation::Gelu{}, x); }

}  // namespace ctgrad
