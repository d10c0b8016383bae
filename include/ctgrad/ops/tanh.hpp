#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// y = tanh(x); the backward uses the saved output: dy * (1 - y^2).
template <class X>
struct Tanh : OpBase {
  using shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "tanh";
  static constexpr bool writes_input_grads = true;
  arguments args;
  bool operator==(const Tanh&) const = default;

  // ONNX (io/onnx.hpp): Tanh.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const { return onnx.node("Tanh", {x}); }

  template <class K>
  void forward(const Tensor<shape>& x, Tensor<shape>& y, NoScratch&) const {
    K::template tanh_forward<shape::size>(x.data(), y.data());
  }
  template <class K, class DX>
  void backward(const Tensor<shape>&, const Tensor<shape>& y, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>) K::template tanh_backward<shape::size, DX::overwrite>(y.data(), dy.data(), dx.data());
  }
  // Gauss-Newton drops f'': c_x = f'(x)^2 c_y = (1 - y^2)^2 c_y.
  static constexpr bool has_curvature_rule = true;
  template <class K, class CX>
  void curvature(const Tensor<shape>&, const Tensor<shape>& y, const Tensor<shape>& cy, CX cx, NoScratch&,
                 NoScratch&) const {
    if constexpr (wants_grad<CX>) K::template tanh_curvature<shape::size>(y.data(), cy.data(), cx.data());
  }
};

template <class X>
constexpr auto tanh(X&& x) {
  return Tanh<expr_t<X>>{{}, {as_expr(x)}};
}

}  // namespace ctgrad
