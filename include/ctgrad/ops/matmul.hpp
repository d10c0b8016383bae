#pragma once
#include <array>

#include "ctgrad/kernels/geometry.hpp"
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

namespace detail {
// A vector [K] is treated as one row [1,K]; the result then stays a vector.
template <class S>
struct as_rows {
  static constexpr bool valid = S::rank == 1 || S::rank == 2;
  static constexpr std::size_t rows = S::rank == 2 ? S::dims[0] : 1;
  static constexpr std::size_t cols = S::dims[S::rank - 1];
};
template <class A, std::size_t N>
using matmul_shape = std::conditional_t<A::rank == 1, Shape<N>, Shape<as_rows<A>::rows, N>>;
}  // namespace detail

// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class A, class B>
constexpr auto matmul_rule() {
  if constexpr (!detail::as_rows<A>::valid)
    return broken<"matmul: the left operand must be a vector [K] or a matrix [M,K], not {}", A>;
  else if constexpr (B::rank != 2)
    return broken<"matmul: the right operand must be a matrix [K,N], not {}", B>;
  else if constexpr (detail::as_rows<A>::cols != B::dims[0])
    return broken<"matmul: inner extents differ: {} x {}", A, B>;
  else
    return holds;
}

// y = a b with a [M,K] (or a vector [K]) and b [K,N]: the fully connected
// layers H3 and output, and the token-wise linear maps of a transformer.
template <class A, class B>
struct Matmul : OpBase {
  using a_shape = typename A::shape;
  using b_shape = typename B::shape;
  static_assert(checked<matmul_rule<a_shape, b_shape>()>);
  static constexpr std::size_t M = detail::as_rows<a_shape>::rows;
  static constexpr std::size_t K = detail::as_rows<a_shape>::cols;
  static constexpr std::size_t N = b_shape::dims[b_shape::rank - 1];
  using shape = detail::matmul_shape<a_shape, N>;
  using arguments = std::tuple<A, B>;
  static constexpr std::string_view op_name = "matmul";
  static constexpr bool writes_input_grads = true;
  // A batch of left operands against one weight: forward_batch, backward_batch.
  static constexpr bool has_forward_batch = is_param_leaf<B>::value && !is_param_leaf<A>::value;
  static constexpr bool has_backward_batch = has_forward_batch;
  static constexpr std::size_t macs = M * K * N;
  static constexpr std::size_t connections = macs;
  arguments args;
  bool operator==(const Matmul&) const = default;

  // ONNX (io/onnx.hpp): MatMul, whose numpy broadcasting gives every case
  // but one: a batch of vectors times a batch of matrices, where the vectors
  // must be made [1, K] rows.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& a, const Value& b) const {
    if constexpr (a_shape::rank == 1)
      if (a.batched && b.batched) return onnx.reshape(onnx.node("MatMul", {onnx.reshape(a, {1, K}), b}), {N});
    return onnx.node("MatMul", {a, b});
  }

  template <class Kr>
  void forward(const Tensor<a_shape>& a, const Tensor<b_shape>& b, Tensor<shape>& y, NoScratch&) const {
    Kr::template matmul<M, K, N>(a.data(), b.data(), y.data());
  }
  template <class Kr, class DA, class DB>
  void backward(const Tensor<a_shape>& a, const Tensor<b_shape>& b, const Tensor<shape>&, const Tensor<shape>& dy,
                DA da, DB db, NoScratch&) const {
    if constexpr (wants_grad<DA>) Kr::template matmul_backward_a<M, K, N, DA::overwrite>(dy.data(), b.data(), da.data());
    if constexpr (wants_grad<DB>) {
      if constexpr (DB::overwrite) std::fill(db.data(), db.data() + b_shape::size, 0.f);
      Kr::template matmul_backward_b<M, K, N>(a.data(), dy.data(), db.data());
    }
  }
  // The weighted sum y[m,n] = sum_k a[m,k] b[k,n], Gauss-Newton (cross terms
  // dropped): c_a[m,k] = sum_n b[k,n]^2 c_y[m,n] and c_b[k,n] = sum_m
  // a[m,k]^2 c_y[m,n], the backward's two products with squared operands.
  struct curvature_scratch {
    Tensor<a_shape> a_squared;
    Tensor<b_shape> b_squared;
  };
  static constexpr bool has_curvature_rule = true;
  template <class Kr, class CA, class CB>
  void curvature(const Tensor<a_shape>& a, const Tensor<b_shape>& b, const Tensor<shape>&, const Tensor<shape>& cy,
                 CA ca, CB cb, NoScratch&, curvature_scratch& squares) const {
    if constexpr (wants_grad<CA>) {
      Kr::template square<b_shape::size>(b.data(), squares.b_squared.data());
      Kr::template matmul_backward_a<M, K, N>(cy.data(), squares.b_squared.data(), ca.data());
    }
    if constexpr (wants_grad<CB>) {
      Kr::template square<a_shape::size>(a.data(), squares.a_squared.data());
      Kr::template matmul_backward_b<M, K, N>(squares.a_squared.data(), cy.data(), cb.data());
    }
  }

  // A batch against a shared right operand (a weight): the batch's rows are
  // one product, so the weight is read once per block of rows rather than
  // once per example, and its gradient is summed over the batch in
  // registers. Row r of the batch is example r / M, row r % M.
  template <class Kr, std::size_t Bt>
  void forward_batch(const std::array<Tensor<a_shape>, Bt>& a, const Tensor<b_shape>& b,
                     std::array<Tensor<shape>, Bt>& y, std::array<NoScratch, Bt>&) const {
    Kr::template rows_matmul<K, N>(Bt * M, kernels::Rows{a[0].data(), M, tensor_stride<a_shape>, K}, b.data(),
                                   kernels::MutableRows{y[0].data(), M, tensor_stride<shape>, N});
  }
  template <class Kr, std::size_t Bt, class DA, class DB>
  void backward_batch(const std::array<Tensor<a_shape>, Bt>& a, const Tensor<b_shape>& b,
                      const std::array<Tensor<shape>, Bt>& y, const std::array<Tensor<shape>, Bt>& dy, DA da, DB db,
                      std::array<NoScratch, Bt>& scratch) const {
    if constexpr (wants_grad<DA>)
      for (std::size_t e = 0; e < Bt; ++e) backward<Kr>(a[e], b, y[e], dy[e], da[e], NoGrad{}, scratch[e]);
    if constexpr (wants_grad<DB>) {
      if constexpr (DB::overwrite) std::fill(db.data(), db.data() + b_shape::size, 0.f);
      Kr::template rows_matmul_backward_b<K, N>(Bt * M, kernels::Rows{a[0].data(), M, tensor_stride<a_shape>, K},
                                                kernels::Rows{dy[0].data(), M, tensor_stride<shape>, N},
                                                db.data());
    }
  }
};

// matmul(a, b) (core/shape_rule.hpp, checked_factory): the rule over the
// operands' shapes, and the node from makes<Matmul> (ops/expr.hpp).
struct matmul_spec : makes<Matmul> {
  template <operand A, operand B>
  static constexpr auto rule() { return matmul_rule<shape_of<A>, shape_of<B>>(); }
};
inline constexpr checked_factory<matmul_spec> matmul{};

}  // namespace ctgrad
