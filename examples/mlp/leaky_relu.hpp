#pragma once
// A new op, written outside the library: y = x for x > 0, slope * x otherwise.
// One struct holds its shape rule, forward and backward (docs/extending.md).
#include <ctgrad/ctgrad.hpp>

namespace mlp {

template <class X>
struct LeakyRelu : ctgrad::OpBase {
  using shape = typename X::shape;  // shape rule: elementwise, any shape
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "leaky_relu";
  arguments args;
  float slope;  // run-time data: part of the node, compared by operator==
  bool operator==(const LeakyRelu&) const = default;

  template <class K>
  void forward(const ctgrad::Tensor<shape>& x, ctgrad::Tensor<shape>& y, ctgrad::NoScratch&) const {
    for (std::size_t i = 0; i < shape::size; ++i) y[i] = x[i] > 0 ? x[i] : slope * x[i];
  }
  template <class K, class DX>  // dx += dy * (1 or slope), read off the saved output
  void backward(const ctgrad::Tensor<shape>&, const ctgrad::Tensor<shape>& y, const ctgrad::Tensor<shape>& dy, DX dx,
                ctgrad::NoScratch&) const {
    if constexpr (ctgrad::wants_grad<DX>)
      for (std::size_t i = 0; i < shape::size; ++i) dx.data()[i] += y[i] > 0 ? dy[i] : slope * dy[i];
  }
};

template <class X>
auto leaky_relu(X&& x, float slope = 0.01f) {
  return LeakyRelu<ctgrad::expr_t<X>>{{}, {ctgrad::as_expr(x)}, slope};
}

}  // namespace mlp
