#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class X, class B>
constexpr auto plane_bias_rule() {
  if constexpr (X::rank != 3)
    return broken<"plane_bias: the input must be [planes, height, width], not {}", X>;
  else if constexpr (!std::is_same_v<B, Shape<X::dims[0]>>)
    return broken<"plane_bias: the bias must be a vector [planes], one per plane of the input: bias {}, input {}", B,
                  X>;
  else
    return holds;
}

// y[c, :, :] = x[c, :, :] + b[c]: one bias per plane, shared by all of its
// positions (a tied bias, as in LeNet-5 and every convnet since; LeNet-1's
// untied biases are a plain add of a [planes, height, width] parameter).
// Backward: dx = dy, db[c] += sum of dy over plane c.
template <class X, class B>
struct PlaneBias : OpBase {
  using shape = typename X::shape;
  using bias_shape = typename B::shape;
  static_assert(checked<plane_bias_rule<shape, bias_shape>()>);
  static constexpr std::size_t planes = shape::dims[0], plane_size = shape::dims[1] * shape::dims[2];
  using arguments = std::tuple<X, B>;
  static constexpr std::string_view op_name = "plane_bias";
  static constexpr bool writes_input_grads = true;
  static constexpr std::size_t connections = is_param_leaf<B>::value ? shape::size : 0;
  static constexpr std::size_t units = is_param_leaf<B>::value ? shape::size : 0;
  arguments args;
  bool operator==(const PlaneBias&) const = default;

  // ONNX (io/onnx.hpp): Add of the bias as [planes, 1, 1], broadcast over each plane.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x, const Value& b) const {
    return onnx.node("Add", {x, onnx.reshape(b, {planes, 1, 1})});
  }

  template <class K>
  void forward(const Tensor<shape>& x, const Tensor<bias_shape>& b, Tensor<shape>& y, NoScratch&) const {
    for (std::size_t c = 0; c < planes; ++c)
      K::template add_constant<plane_size>(x.data() + c * plane_size, b[c], y.data() + c * plane_size);
  }
  template <class K, class DX, class DB>
  void backward(const Tensor<shape>&, const Tensor<bias_shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx,
                DB db, NoScratch&) const {
    if constexpr (wants_grad<DX>) pass_gradient<K, shape::size>(dy.data(), dx);
    if constexpr (wants_grad<DB>)
      for (std::size_t c = 0; c < planes; ++c) {
        const float total = K::template sum<plane_size>(dy.data() + c * plane_size);
        if constexpr (DB::overwrite)
          db.data()[c] = total;
        else
          db.data()[c] += total;
      }
  }
  // A unit-weight sum: x gets c_y, a tied bias the sum of its plane's c_y.
  static constexpr bool has_curvature_rule = true;
  template <class K, class CX, class CB>
  void curvature(const Tensor<shape>&, const Tensor<bias_shape>&, const Tensor<shape>&, const Tensor<shape>& cy, CX cx,
                 CB cb, NoScratch&, NoScratch&) const {
    if constexpr (wants_grad<CX>) K::template accumulate<shape::size>(cy.data(), cx.data());
    if constexpr (wants_grad<CB>)
      for (std::size_t c = 0; c < planes; ++c) cb.data()[c] += K::template sum<plane_size>(cy.data() + c * plane_size);
  }
};

struct plane_bias_spec : makes<PlaneBias> {  // plane_bias(x, b) (core/shape_rule.hpp, checked_factory)
  template <operand X, operand B>
  static constexpr auto rule() { return plane_bias_rule<shape_of<X>, shape_of<B>>(); }
};
inline constexpr checked_factory<plane_bias_spec> plane_bias{};

}  // namespace ctgrad
