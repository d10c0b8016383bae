#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class A, class B>
constexpr auto subtract_rule() {
  if constexpr (!std::is_same_v<A, B>)
    return broken<"subtract: operand shapes differ: {} - {}", A, B>;
  else
    return holds;
}

// y = a - b, elementwise; a - b in expressions. Backward: da += dy, db -= dy.
template <class A, class B>
struct Subtract : OpBase {
  static_assert(checked<subtract_rule<typename A::shape, typename B::shape>()>);
  using shape = typename A::shape;
  using arguments = std::tuple<A, B>;
  static constexpr std::string_view op_name = "subtract";
  arguments args;
  bool operator==(const Subtract&) const = default;

  // ONNX (io/onnx.hpp): Sub.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& a, const Value& b) const { return onnx.node("Sub", {a, b}); }

  template <class K>
  void forward(const Tensor<shape>& a, const Tensor<shape>& b, Tensor<shape>& y, NoScratch&) const {
    K::template subtract<shape::size>(a.data(), b.data(), y.data());
  }
  template <class K, class DA, class DB>
  void backward(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DA da,
                DB db, NoScratch&) const {
    if constexpr (wants_grad<DA>) K::template accumulate<shape::size>(dy.data(), da.data());
    if constexpr (wants_grad<DB>) K::template axpy<shape::size>(-1.f, dy.data(), db.data());
  }
  // Weights +1 and -1: both operands get c_y.
  static constexpr bool has_curvature_rule = true;
  template <class K, class CA, class CB>
  void curvature(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>& cy, CA ca,
                 CB cb, NoScratch&, NoScratch&) const {
    pass_curvature_to_both<K, shape::size>(cy.data(), ca, cb);
  }
};

// a - b: two overloads, as operator+ (ops/add.hpp) and for the same reason.
struct subtract_spec : makes<Subtract> {
  template <operand A, operand B>
  static constexpr auto rule() { return subtract_rule<shape_of<A>, shape_of<B>>(); }
};
template <class A, class B>
  requires(operands<A, B> && rule_holds<subtract_spec::rule<A, B>()>)
constexpr auto operator-(A&& a, B&& b) { return subtract_spec::make(std::forward<A>(a), std::forward<B>(b)); }
template <class A, class B>  // a broken rule: this call is the error
  requires operands<A, B>
auto operator-(A&&, B&&) -> shape_error<rule_message<subtract_spec::rule<A, B>()>>;

}  // namespace ctgrad
