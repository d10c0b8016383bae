#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// Same values in the same (row-major) order under another shape.
// flatten(h2) of [12,4,4] gives index plane*16 + row*4 + col, as the paper's H3 reads it.
// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class To, class From>
constexpr auto reshape_rule() {
  if constexpr (To::size != From::size)
    return broken<"reshape: the new shape holds a different number of elements: {} to {}", From, To>;
  else
    return holds;
}

template <class To, class X>
struct Reshape : OpBase {
  static_assert(checked<reshape_rule<To, typename X::shape>()>);
  using shape = To;
  using in_shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "reshape";
  static constexpr bool writes_input_grads = true;
  arguments args;
  bool operator==(const Reshape&) const = default;

  // ONNX (io/onnx.hpp): Reshape (behind the batch axis).
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const {
    return onnx.reshape(x, std::vector<std::int64_t>(To::dims.begin(), To::dims.end()));
  }

  template <class K>
  void forward(const Tensor<in_shape>& x, Tensor<shape>& y, NoScratch&) const {
    std::memcpy(y.data(), x.data(), shape::size * sizeof(float));
  }
  template <class K, class DX>
  void backward(const Tensor<in_shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>) pass_gradient<K, shape::size>(dy.data(), dx);
  }
  static constexpr bool has_curvature_rule = true;  // routed like the gradient
  template <class K, class CX>
  void curvature(const Tensor<in_shape>& x, const Tensor<shape>& y, const Tensor<shape>& cy, CX cx, NoScratch& s,
                 NoScratch&) const {
    backward<K>(x, y, cy, cx, s);
  }
};

template <class To>
struct reshape_spec {  // reshape<To>(x) (core/shape_rule.hpp, checked_factory)
  template <operand X>
  static constexpr auto rule() { return reshape_rule<To, shape_of<X>>(); }
  template <class X>
  static constexpr auto make(X&& x) { return Reshape<To, expr_t<X>>{{}, {as_expr(x)}}; }
};
template <class To>
inline constexpr checked_factory<reshape_spec<To>> reshape{};
template <class X>
constexpr auto flatten(X&& x) {
  return reshape<Shape<expr_t<X>::shape::size>>(std::forward<X>(x));
}

}  // namespace ctgrad
