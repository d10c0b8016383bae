#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// y = max(x, 0). The backward reads the saved output: y > 0 exactly where
// x > 0, so dx += dy there. At x = 0 the gradient is taken as 0, as in PyTorch.
template <class X>
struct Relu : OpBase {
  using shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "relu";
  arguments args;
  bool operator==(const Relu&) const = default;

  // ONNX (io/onnx.hpp): Relu.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const { return onnx.node("Relu", {x}); }

  template <class K>
  void forward(const Tensor<shape>& x, Tensor<shape>& y, NoScratch&) const {
    K::template relu_forward<shape::size>(x.data(), y.data());
  }
  template <class K, class DX>
  void backward(const Tensor<shape>&, const Tensor<shape>& y, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>) K::template relu_backward<shape::size>(y.data(), dy.data(), dx.data());
  }
  // relu'(x)^2 = relu'(x), 0 or 1: the curvature passes where the gradient does.
  static constexpr bool has_curvature_rule = true;
  template <class K, class CX>
  void curvature(const Tensor<shape>& x, const Tensor<shape>& y, const Tensor<shape>& cy, CX cx, NoScratch& s,
                 NoScratch&) const {
    backward<K>(x, y, cy, cx, s);
  }
};

template <class X>
constexpr auto relu(X&& x) {
  return Relu<expr_t<X>>{{}, {as_expr(x)}};
}

}  // namespace ctgrad
