#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class X>
constexpr auto transpose_rule() {
  if constexpr (X::rank != 2)
    return broken<"transpose: the input must be a matrix [rows, columns], not {}", X>;
  else
    return holds;
}

// y = x^T for a matrix x [M, N]: y [N, M], y[n, m] = x[m, n]. A pure
// rearrangement: forward copies, backward adds dy^T into dx.
template <class X>
struct Transpose : OpBase {
  using in_shape = typename X::shape;
  static_assert(checked<transpose_rule<in_shape>()>);
  static constexpr std::size_t in_rows = in_shape::dims[0], in_cols = in_shape::dims[1];
  using shape = Shape<in_cols, in_rows>;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "transpose";
  arguments args;
  bool operator==(const Transpose&) const = default;

  // ONNX (io/onnx.hpp): Transpose of the last two axes.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const {
    using Axes = std::vector<std::int64_t>;
    const Axes perm = x.batched ? Axes{0, 2, 1} : Axes{1, 0};
    return onnx.node("Transpose", {x}, {{"perm", perm}});
  }

  template <class K>
  void forward(const Tensor<in_shape>& x, Tensor<shape>& y, NoScratch&) const {
    for (std::size_t m = 0; m < in_rows; ++m)
      for (std::size_t n = 0; n < in_cols; ++n) y[n * in_rows + m] = x[m * in_cols + n];
  }
  template <class K, class DX>
  void backward(const Tensor<in_shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>)
      for (std::size_t m = 0; m < in_rows; ++m)
        for (std::size_t n = 0; n < in_cols; ++n) dx.data()[m * in_cols + n] += dy[n * in_rows + m];
  }
  static constexpr bool has_curvature_rule = true;  // routed like the gradient
  template <class K, class CX>
  void curvature(const Tensor<in_shape>& x, const Tensor<shape>& y, const Tensor<shape>& cy, CX cx, NoScratch& s,
                 NoScratch&) const {
    backward<K>(x, y, cy, cx, s);
  }
};

struct transpose_spec : makes<Transpose> {  // transpose(x) (core/shape_rule.hpp, checked_factory)
  template <operand X>
  static constexpr auto rule() { return transpose_rule<shape_of<X>>(); }
};
inline constexpr checked_factory<transpose_spec> transpose{};

}  // namespace ctgrad
