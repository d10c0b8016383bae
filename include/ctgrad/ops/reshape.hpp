#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// Same values in the same (row-major) order under another shape.
// flatten(h2) of [12,4,4] gives index plane*16 + row*4 + col, as the paper's H3 reads it.
template <class To, class X>
struct Reshape : OpBase {
  static_assert(To::size == X::shape::size, "reshape: the new shape holds a different number of elements");
  using shape = To;
  using in_shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "reshape";
  static constexpr bool writes_input_grads = true;
  arguments args;
  bool operator==(const Reshape&) const = default;

  template <class K>
  void forward(const Tensor<in_shape>& x, Tensor<shape>& y, NoScratch&) const {
    std::copy(x.begin(), x.end(), y.begin());
  }
  template <class K, class DX>
  void backward(const Tensor<in_shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>) pass_gradient<K, shape::size>(dy.data(), dx);
  }
};

template <class To, class X>
constexpr auto reshape(X&& x) {
  return Reshape<To, expr_t<X>>{{}, {as_expr(x)}};
}
template <class X>
constexpr auto flatten(X&& x) {
  return reshape<Shape<expr_t<X>::shape::size>>(std::forward<X>(x));
}

}  // namespace ctgrad
