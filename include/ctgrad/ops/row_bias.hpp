#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// y[t, :] = x[t, :] + b: one bias vector shared by every row (token), as in
// a token-wise linear layer. (LeNet-1's untied biases are a plain add.)
// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class X, class B>
constexpr auto row_bias_rule() {
  if constexpr (X::rank != 2)
    return broken<"row_bias: the input must be a matrix [rows, features], not {}", X>;
  else if constexpr (!std::is_same_v<B, Shape<X::dims[1]>>)
    return broken<"row_bias: the bias must be a vector [features] matching the input's last extent: bias {}, input {}",
                  B, X>;
  else
    return holds;
}

template <class X, class B>
struct RowBias : OpBase {
  using shape = typename X::shape;
  using bias_shape = typename B::shape;
  static_assert(checked<row_bias_rule<shape, bias_shape>()>);
  static constexpr std::size_t rows = shape::dims[0], features = shape::dims[1];
  using arguments = std::tuple<X, B>;
  static constexpr std::string_view op_name = "row_bias";
  static constexpr std::size_t connections = is_param_leaf<B>::value ? shape::size : 0;
  arguments args;
  bool operator==(const RowBias&) const = default;

  // ONNX (io/onnx.hpp): Add, the bias broadcast over the rows.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x, const Value& b) const {
    return onnx.node("Add", {x, b.batched ? onnx.reshape(b, {1, features}) : b});
  }

  template <class K>
  void forward(const Tensor<shape>& x, const Tensor<bias_shape>& b, Tensor<shape>& y, NoScratch&) const {
    for (std::size_t r = 0; r < rows; ++r) K::template add<features>(x.data() + r * features, b.data(), y.data() + r * features);
  }
  template <class K, class DX, class DB>
  void backward(const Tensor<shape>&, const Tensor<bias_shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx,
                DB db, NoScratch&) const {
    if constexpr (wants_grad<DX>) K::template accumulate<shape::size>(dy.data(), dx.data());
    if constexpr (wants_grad<DB>)
      for (std::size_t r = 0; r < rows; ++r) K::template accumulate<features>(dy.data() + r * features, db.data());
  }
  // Unit weights: routed (and summed over rows for the shared bias) like the gradient.
  static constexpr bool has_curvature_rule = true;
  template <class K, class CX, class CB>
  void curvature(const Tensor<shape>& x, const Tensor<bias_shape>& b, const Tensor<shape>& y, const Tensor<shape>& cy,
                 CX cx, CB cb, NoScratch& s, NoScratch&) const {
    backward<K>(x, b, y, cy, cx, cb, s);
  }
};

struct row_bias_spec : makes<RowBias> {  // row_bias(x, b) (core/shape_rule.hpp, checked_factory)
  template <operand X, operand B>
  static constexpr auto rule() { return row_bias_rule<shape_of<X>, shape_of<B>>(); }
};
inline constexpr checked_factory<row_bias_spec> row_bias{};

}  // namespace ctgrad
