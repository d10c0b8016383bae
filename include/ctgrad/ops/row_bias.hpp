#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// y[t, :] = x[t, :] + b: one bias vector shared by every row (token), as in
// a token-wise linear layer. (LeNet-1's untied biases are a plain add.)
template <class X, class B>
struct RowBias : OpBase {
  using shape = typename X::shape;
  using bias_shape = typename B::shape;
  static_assert(shape::rank == 2, "row_bias: the input must be a matrix [rows, features]");
  static_assert(std::is_same_v<bias_shape, Shape<shape::dims[1]>>,
                "row_bias: the bias must be a vector [features] matching the input's last extent");
  static constexpr std::size_t rows = shape::dims[0], features = shape::dims[1];
  using arguments = std::tuple<X, B>;
  static constexpr std::string_view op_name = "row_bias";
  static constexpr std::size_t connections = is_param_leaf<B>::value ? shape::size : 0;
  arguments args;
  bool operator==(const RowBias&) const = default;

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
};

template <class X, class B>
constexpr auto row_bias(X&& x, B&& b) {
  return RowBias<expr_t<X>, expr_t<B>>{{}, {as_expr(x), as_expr(b)}};
}

}  // namespace ctgrad
