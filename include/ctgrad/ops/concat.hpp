#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

namespace detail {
template <std::size_t Lead, class S>
struct with_lead;
template <std::size_t Lead, std::size_t First, std::size_t... Rest>
struct with_lead<Lead, Shape<First, Rest...>> {
  using type = Shape<Lead, Rest...>;
};
template <class A, class B>  // the same extents after the first
constexpr bool same_trailing() {
  if constexpr (A::rank != B::rank || A::rank == 0) {
    return false;
  } else {
    for (std::size_t axis = 1; axis < A::rank; ++axis)
      if (A::dims[axis] != B::dims[axis]) return false;
    return true;
  }
}
}  // namespace detail

// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class A, class B>
constexpr auto concat_rule() {
  if constexpr (!detail::same_trailing<A, B>())
    return broken<"concat: the operands must agree in every extent but the first: {} and {}", A, B>;
  else
    return holds;
}

// concat(a, b): b's rows after a's along the first axis, [m, ...] and
// [n, ...] -> [m + n, ...] (a class token before the patch tokens, two
// feature vectors side by side). Row-major, so a is the first m * rest
// values and b the rest: forward copies, backward hands each its part of dy.
template <class A, class B>
struct Concat : OpBase {
  using a_shape = typename A::shape;
  using b_shape = typename B::shape;
  static_assert(checked<concat_rule<a_shape, b_shape>()>);
  using shape = typename detail::with_lead<a_shape::dims[0] + b_shape::dims[0], a_shape>::type;
  using arguments = std::tuple<A, B>;
  static constexpr std::string_view op_name = "concat";
  static constexpr bool writes_input_grads = true;
  arguments args;
  bool operator==(const Concat&) const = default;

  // ONNX (io/onnx.hpp): Concat along the first axis (behind the batch axis).
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& a, const Value& b) const {
    return onnx.node("Concat", {a, b}, {{"axis", onnx.axis(a, 0)}});
  }

  template <class K>
  void forward(const Tensor<a_shape>& a, const Tensor<b_shape>& b, Tensor<shape>& y, NoScratch&) const {
    std::copy(a.begin(), a.end(), y.begin());
    std::copy(b.begin(), b.end(), y.begin() + a_shape::size);
  }
  template <class K, class DA, class DB>
  void backward(const Tensor<a_shape>&, const Tensor<b_shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DA da,
                DB db, NoScratch&) const {
    if constexpr (wants_grad<DA>) pass_gradient<K, a_shape::size>(dy.data(), da);
    if constexpr (wants_grad<DB>) pass_gradient<K, b_shape::size>(dy.data() + a_shape::size, db);
  }
  static constexpr bool has_curvature_rule = true;  // routed like the gradient
  template <class K, class CA, class CB>
  void curvature(const Tensor<a_shape>& a, const Tensor<b_shape>& b, const Tensor<shape>& y, const Tensor<shape>& cy,
                 CA ca, CB cb, NoScratch& s, NoScratch&) const {
    backward<K>(a, b, y, cy, ca, cb, s);
  }
};

struct concat_spec : makes<Concat> {  // concat(a, b) (core/shape_rule.hpp, checked_factory)
  template <operand A, operand B>
  static constexpr auto rule() { return concat_rule<shape_of<A>, shape_of<B>>(); }
};
inline constexpr checked_factory<concat_spec> concat{};

}  // namespace ctgrad
