#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class A, class B>
constexpr auto multiply_rule() {
  if constexpr (!std::is_same_v<A, B>)
    return broken<"multiply: operand shapes differ: {} * {}", A, B>;
  else
    return holds;
}

// y = a * b, elementwise (a gate, a mask); a * b in expressions.
// Backward: da += dy * b, db += dy * a (x * x gets both, 2 x dy).
template <class A, class B>
struct Multiply : OpBase {
  static_assert(checked<multiply_rule<typename A::shape, typename B::shape>()>);
  using shape = typename A::shape;
  using arguments = std::tuple<A, B>;
  static constexpr std::string_view op_name = "multiply";
  static constexpr std::size_t macs = shape::size;
  arguments args;
  bool operator==(const Multiply&) const = default;

  // ONNX (io/onnx.hpp): Mul.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& a, const Value& b) const { return onnx.node("Mul", {a, b}); }

  template <class K>
  void forward(const Tensor<shape>& a, const Tensor<shape>& b, Tensor<shape>& y, NoScratch&) const {
    K::template multiply<shape::size>(a.data(), b.data(), y.data());
  }
  template <class K, class DA, class DB>
  void backward(const Tensor<shape>& a, const Tensor<shape>& b, const Tensor<shape>&, const Tensor<shape>& dy, DA da,
                DB db, NoScratch&) const {
    if constexpr (wants_grad<DA>) K::template accumulate_product<shape::size>(dy.data(), b.data(), da.data());
    if constexpr (wants_grad<DB>) K::template accumulate_product<shape::size>(dy.data(), a.data(), db.data());
  }
};

// a * b: two overloads, as operator+ (ops/add.hpp) and for the same reason.
struct multiply_spec : makes<Multiply> {
  template <operand A, operand B>
  static constexpr auto rule() { return multiply_rule<shape_of<A>, shape_of<B>>(); }
};
template <class A, class B>
  requires(operands<A, B> && rule_holds<multiply_spec::rule<A, B>()>)
constexpr auto operator*(A&& a, B&& b) { return multiply_spec::make(std::forward<A>(a), std::forward<B>(b)); }
template <class A, class B>  // a broken rule: this call is the error
  requires operands<A, B>
auto operator*(A&&, B&&) -> shape_error<rule_message<multiply_spec::rule<A, B>()>>;

}  // namespace ctgrad
