#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// y = x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), the exact GELU (Hendrycks and
// Gimpel 2016), torch.nn.GELU()'s default (not its tanh approximation).
// The backward uses the saved input: dy * (Phi(x) + x phi(x)), phi the
// standard normal density.
template <class X>
struct Gelu : OpBase {
  using shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "gelu";
  arguments args;
  bool operator==(const Gelu&) const = default;

  // ONNX (io/onnx.hpp): opset 17 has no Gelu node, so the kernel's own exact
  // form, 0.5 x (1 + erf(x / sqrt 2)), from Mul, Erf and Add.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const {
    const Value erf = onnx.node("Erf", {onnx.node("Mul", {x, onnx.scalar(0.70710678f)})});
    return onnx.node("Mul", {onnx.node("Mul", {onnx.scalar(0.5f), x}), onnx.node("Add", {onnx.scalar(1.f), erf})});
  }

  template <class K>
  void forward(const Tensor<shape>& x, Tensor<shape>& y, NoScratch&) const {
    K::template gelu_forward<shape::size>(x.data(), y.data());
  }
  template <class K, class DX>
  void backward(const Tensor<shape>& x, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>) K::template gelu_backward<shape::size>(x.data(), dy.data(), dx.data());
  }
  // Gauss-Newton drops f'': c_x = gelu'(x)^2 c_y. gelu'(x) is the backward
  // of a unit dy, so the rule reuses the backward kernel, then squares.
  struct curvature_scratch {
    Tensor<shape> ones, slope;
  };
  static constexpr bool has_curvature_rule = true;
  template <class K, class CX>
  void curvature(const Tensor<shape>& x, const Tensor<shape>&, const Tensor<shape>& cy, CX cx, NoScratch&,
                 curvature_scratch& work) const {
    if constexpr (wants_grad<CX>) {
      work.ones.fill(1.f);
      work.slope.fill(0.f);
      K::template gelu_backward<shape::size>(x.data(), work.ones.data(), work.slope.data());
      K::template square<shape::size>(work.slope.data(), work.slope.data());
      K::template accumulate_product<shape::size>(work.slope.data(), cy.data(), cx.data());
    }
  }
};

template <class X>
constexpr auto gelu(X&& x) {
  return Gelu<expr_t<X>>{{}, {as_expr(x)}};
}

}  // namespace ctgrad
