#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// y = factor * x for a constant factor (run-time data of the node, like pad's
// value); 2.f * x or x * 2.f in expressions. Backward: dx += factor * dy.
template <class X>
struct Scale : OpBase {
  using shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "scale";
  arguments args;
  float factor;
  bool operator==(const Scale&) const = default;

  // ONNX (io/onnx.hpp): Mul by a constant.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const { return onnx.node("Mul", {onnx.scalar(factor), x}); }

  template <class K>
  void forward(const Tensor<shape>& x, Tensor<shape>& y, NoScratch&) const {
    K::template scale<shape::size>(factor, x.data(), y.data());
  }
  template <class K, class DX>
  void backward(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>) K::template axpy<shape::size>(factor, dy.data(), dx.data());
  }
  static constexpr bool has_curvature_rule = true;  // c_x = factor^2 c_y
  template <class K, class CX>
  void curvature(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>& cy, CX cx, NoScratch&,
                 NoScratch&) const {
    if constexpr (wants_grad<CX>) K::template axpy<shape::size>(factor * factor, cy.data(), cx.data());
  }
};

template <class X>
  requires Expression<expr_t<X>>
constexpr auto scale(X&& x, float factor) {
  return Scale<expr_t<X>>{{}, {as_expr(x)}, factor};
}
template <class X>
  requires Expression<expr_t<X>>
constexpr auto operator*(float factor, X&& x) {
  return scale(std::forward<X>(x), factor);
}
template <class X>
  requires Expression<expr_t<X>>
constexpr auto operator*(X&& x, float factor) {
  return scale(std::forward<X>(x), factor);
}

}  // namespace ctgrad
