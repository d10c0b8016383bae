#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// y = 1 / (1 + e^-x); the backward uses the saved output: dy * y (1 - y).
template <class X>
struct Sigmoid : OpBase {
  using shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "sigmoid";
  arguments args;
  bool operator==(const Sigmoid&) const = default;

  // ONNX (io/onnx.hpp): Sigmoid.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const { return onnx.node("Sigmoid", {x}); }

  template <class K>
  void forward(const Tensor<shape>& x, Tensor<shape>& y, NoScratch&) const {
    K::template sigmoid_forward<shape::size>(x.data(), y.data());
  }
  template <class K, class DX>
  void backward(const Tensor<shape>&, const Tensor<shape>& y, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>) K::template sigmoid_backward<shape::size>(y.data(), dy.data(), dx.data());
  }
  // c_x = sigmoid'(x)^2 c_y = (y (1 - y))^2 c_y. A plain loop: no kernel, as
  // the pass runs on a few hundred examples a pass, not every step.
  static constexpr bool has_curvature_rule = true;
  template <class K, class CX>
  void curvature(const Tensor<shape>&, const Tensor<shape>& y, const Tensor<shape>& cy, CX cx, NoScratch&,
                 NoScratch&) const {
    if constexpr (wants_grad<CX>)
      for (std::size_t i = 0; i < shape::size; ++i) {
        const float slope = y[i] * (1.f - y[i]);
        cx.data()[i] += cy[i] * slope * slope;
      }
  }
};

template <class X>
constexpr auto sigmoid(X&& x) {
  return Sigmoid<expr_t<X>>{{}, {as_expr(x)}};
}

}  // namespace ctgrad
