#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// y = x + value for a constant value (run-time data of the node, like
// scale's factor); x + 0.5f, 0.5f + x or x - 0.5f in expressions, e.g. an
// input's affine normalization (1.275f * x - 0.1f). Backward: dx += dy.
template <class X>
struct Offset : OpBase {
  using shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "offset";
  arguments args;
  float value;
  bool operator==(const Offset&) const = default;

  // ONNX (io/onnx.hpp): Add of a constant.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const { return onnx.node("Add", {x, onnx.scalar(value)}); }
  static constexpr bool writes_input_grads = true;  // dx = dy as its first writer

  template <class K>
  void forward(const Tensor<shape>& x, Tensor<shape>& y, NoScratch&) const {
    K::template add_constant<shape::size>(x.data(), value, y.data());
  }
  template <class K, class DX>
  void backward(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>) pass_gradient<K, shape::size>(dy.data(), dx);
  }
  static constexpr bool has_curvature_rule = true;  // c_x = c_y: the Jacobian is the identity
  template <class K, class CX>
  void curvature(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>& cy, CX cx, NoScratch&,
                 NoScratch&) const {
    if constexpr (wants_grad<CX>) K::template accumulate<shape::size>(cy.data(), cx.data());
  }
};

template <class X>
  requires Expression<expr_t<X>>
constexpr auto offset(X&& x, float value) {
  return Offset<expr_t<X>>{{}, {as_expr(x)}, value};
}
template <class X>
  requires Expression<expr_t<X>>
constexpr auto operator+(X&& x, float value) {
  return offset(std::forward<X>(x), value);
}
template <class X>
  requires Expression<expr_t<X>>
constexpr auto operator+(float value, X&& x) {
  return offset(std::forward<X>(x), value);
}
template <class X>
  requires Expression<expr_t<X>>
constexpr auto operator-(X&& x, float value) {
  return offset(std::forward<X>(x), -value);
}

}  // namespace ctgrad
