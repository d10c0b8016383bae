#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class A, class B>
constexpr auto add_rule() {
  if constexpr (std::is_same_v<A, B>)
    return holds;
  else if constexpr (B::rank == 1 && A::rank == 3 && B::dims[0] == A::dims[0])
    return broken<"add: operand shapes differ: {} + {} (one bias per plane: plane_bias(x, b))", A, B>;
  else
    return broken<"add: operand shapes differ: {} + {}", A, B>;
}

// y = a + b, elementwise, same shapes. Adding a Parameter of the output's own
// shape is the paper's untied bias: one bias per unit, not per plane
// (plane_bias is the tied one).
template <class A, class B>
struct Add : OpBase {
  static_assert(checked<add_rule<typename A::shape, typename B::shape>()>);
  using shape = typename A::shape;
  using arguments = std::tuple<A, B>;
  static constexpr std::string_view op_name = "add";
  static constexpr bool writes_input_grads = true;
  static constexpr bool adds_bias = is_param_leaf<A>::value || is_param_leaf<B>::value;
  static constexpr std::size_t connections = adds_bias ? shape::size : 0;
  static constexpr std::size_t units = adds_bias ? shape::size : 0;
  arguments args;
  bool operator==(const Add&) const = default;

  // ONNX (io/onnx.hpp): Add; an untied bias (no batch axis) broadcasts over the batch.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& a, const Value& b) const { return onnx.node("Add", {a, b}); }

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
  // A sum with unit weights: both operands get c_y.
  static constexpr bool has_curvature_rule = true;
  template <class K, class CA, class CB>
  void curvature(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>& cy, CA ca,
                 CB cb, NoScratch&, NoScratch&) const {
    pass_curvature_to_both<K, shape::size>(cy.data(), ca, cb);
  }
};

// a + b. An operator is a function, not a checked_factory, so it spells the
// two overloads (core/shape_rule.hpp says why) and takes rule and make from add_spec.
struct add_spec : makes<Add> {
  template <operand A, operand B>
  static constexpr auto rule() { return add_rule<shape_of<A>, shape_of<B>>(); }
};
template <class A, class B>
  requires(operands<A, B> && rule_holds<add_spec::rule<A, B>()>)
constexpr auto operator+(A&& a, B&& b) { return add_spec::make(std::forward<A>(a), std::forward<B>(b)); }
template <class A, class B>  // a broken rule: this call is the error
  requires operands<A, B>
auto operator+(A&&, B&&) -> shape_error<rule_message<add_spec::rule<A, B>()>>;

}  // namespace ctgrad
