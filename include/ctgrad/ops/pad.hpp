#pragma once
#include <concepts>

#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

namespace detail {
template <class S, std::size_t P>
struct padded_shape;
template <std::size_t C, std::size_t H, std::size_t W, std::size_t P>
struct padded_shape<Shape<C, H, W>, P> {
  using type = Shape<C, H + 2 * P, W + 2 * P>;
};
}  // namespace detail

// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class X>
constexpr auto pad_rule() {
  if constexpr (X::rank != 3)
    return broken<"pad: expects a [planes, height, width] input, not {}", X>;
  else
    return holds;
}

// Constant padding of the two spatial axes of a [planes, height, width] input.
// LeNet-1 pads with -1, the paper's background value, not 0.
template <std::size_t P, class X>
struct Pad : OpBase {
  static_assert(checked<pad_rule<typename X::shape>()>);
  using in_shape = typename X::shape;
  using shape = typename detail::padded_shape<in_shape, P>::type;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "pad";
  static constexpr bool writes_input_grads = true;  // the interior is all of dx
  static constexpr std::size_t planes = in_shape::dims[0], in_h = in_shape::dims[1], in_w = in_shape::dims[2];
  static constexpr std::size_t out_h = in_h + 2 * P, out_w = in_w + 2 * P;
  arguments args;
  float value;
  bool operator==(const Pad&) const = default;

  // ONNX (io/onnx.hpp): Pad, constant mode, of the two spatial axes.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const {
    // pads lists every axis's start, then every axis's end.
    const std::vector<std::int64_t> pads = x.batched ? std::vector<std::int64_t>{0, 0, P, P, 0, 0, P, P}
                                                     : std::vector<std::int64_t>{0, P, P, 0, P, P};
    return onnx.node("Pad", {x, onnx.ints(pads), onnx.scalar(value)});
  }

  // The input's planes and the padded output's interior, from packed
  // rows into rows of out_w floats.
  static constexpr kernels::Block interior{planes, in_h, in_w, in_h * in_w, in_w, out_h * out_w, out_w};
  static constexpr kernels::Block interior_back = interior.back();
  static constexpr std::size_t interior_offset = P * out_w + P;

  template <class K>
  void forward(const Tensor<in_shape>& x, Tensor<shape>& y, NoScratch&) const {
    K::template fill<shape::size>(value, y.data());
    K::template copy_block<interior>(x.data(), y.data() + interior_offset);
  }
  template <class K, class DX>
  void backward(const Tensor<in_shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>)
      K::template copy_block<interior_back, !DX::overwrite>(dy.data() + interior_offset, dx.data());
  }
  // Routed like the gradient: the interior's curvature is the input's.
  static constexpr bool has_curvature_rule = true;
  template <class K, class CX>
  void curvature(const Tensor<in_shape>& x, const Tensor<shape>& y, const Tensor<shape>& cy, CX cx, NoScratch& s,
                 NoScratch&) const {
    backward<K>(x, y, cy, cx, s);
  }
};

// pad<P>(x, value) (core/shape_rule.hpp, checked_factory): the value is any
// argument a float can be made from, as for a function taking a float.
template <std::size_t P>
struct pad_spec {
  template <operand X, std::convertible_to<float> Value>
  static constexpr auto rule() { return pad_rule<shape_of<X>>(); }
  template <class X>
  static constexpr auto make(X&& x, float value) { return Pad<P, expr_t<X>>{{}, {as_expr(x)}, value}; }
};
template <std::size_t P>
inline constexpr checked_factory<pad_spec<P>> pad{};

}  // namespace ctgrad
