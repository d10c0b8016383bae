#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// y = a + b, elementwise, same shapes. Adding a Parameter of the output's own
// shape is the paper's untied bias: one bias per unit, not per plane.
template <class A, class B>
struct Add : OpBase {
  // The "In instantiation of Add<...>" line above this error names both shapes.
  static_assert(std::is_same_v<typename A::shape, typename B::shape>, "add: operand shapes differ");
  using shape = typename A::shape;
  using arguments = std::tuple<A, B>;
  static constexpr std::string_view op_name = "add";
  static constexpr bool writes_input_grads = true;
  static constexpr bool adds_bias = is_param_leaf<A>::value || is_param_leaf<B>::value;
  static constexpr std::size_t connections = adds_bias ? shape::size : 0;
  static constexpr std::size_t units = adds_bias ? shape::size : 0;
  arguments args;
  bool operator==(const Add&) const = default;

  template <class K>
  void forward(const Tensor<shape>& a, const Tensor<shape>& b, Tensor<shape>& y, NoScratch&) const {
    K::template add<shape::size>(a.data(), b.data(), y.data());
  }
  template <class K, class DA, class DB>
  void backward(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DA da,
                DB db, NoScratch&) const {
    if constexpr (wants_grad<DA>) pass_gradient<K, shape::size>(dy.data(), da);
    if constexpr (wants_grad<DB>) pass_gradient<K, shape::size>(dy.data(), db);
  }
};

template <class A, class B>
  requires(Expression<expr_t<A>> && Expression<expr_t<B>>)
constexpr auto operator+(A&& a, B&& b) {
  return Add<expr_t<A>, expr_t<B>>{{}, {as_expr(a), as_expr(b)}};
}

}  // namespace ctgrad
