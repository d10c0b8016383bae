#pragma once
// 2-D convolution, no padding (pad() is its own op), with a stride and a
// compile-time connection table: output plane o reads only the input planes
// Table::planes[o] lists (LeCun 1989's H2 reads 8 of H1's 12 planes).
// The weight is [out planes, planes read per output, k, k]; slot j of output
// plane o holds the kernel applied to input plane Table::planes[o][j].
#include <array>

#include "ctgrad/kernels/geometry.hpp"
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// Every output plane reads every input plane: an ordinary convolution.
template <std::size_t InPlanes, std::size_t OutPlanes>
struct full_connection {
  static constexpr auto planes = [] {
    std::array<std::array<std::size_t, InPlanes>, OutPlanes> table{};
    for (auto& row : table)
      for (std::size_t i = 0; i < InPlanes; ++i) row[i] = i;
    return table;
  }();
};

namespace detail {
template <class Table>
constexpr std::size_t table_rows() { return std::tuple_size_v<std::remove_cvref_t<decltype(Table::planes)>>; }
template <class Table>
constexpr std::size_t table_cols() { return std::tuple_size_v<std::remove_cvref_t<decltype(Table::planes[0])>>; }
template <class Table>
constexpr bool table_planes_exist(std::size_t in_planes) {
  for (const auto& row : Table::planes)
    for (std::size_t plane : row)
      if (plane >= in_planes) return false;
  return true;
}
template <class Table>
constexpr bool table_rows_ascending() {
  for (const auto& row : Table::planes)
    for (std::size_t j = 1; j < row.size(); ++j)
      if (row[j] <= row[j - 1]) return false;
  return true;
}
// conv2d<Stride>(x, w) without a table reads every plane.
template <class Table, class X, class W>
using table_or_full = std::conditional_t<std::is_void_v<Table>, full_connection<X::dims[0], W::dims[0]>, Table>;
}  // namespace detail

// The shape rule (core/shape_rule.hpp says how its message reaches the first
// error line), on the input and weight shapes; a void Table is a full connection.
template <std::size_t Stride, class Table, class X, class W>
constexpr auto conv2d_rule() {
  if constexpr (X::rank != 3) {
    return broken<"conv2d: the input must be [planes, height, width], not {}", X>;
  } else if constexpr (W::rank != 4) {
    return broken<"conv2d: the weight must be [out planes, planes read, k, k], not {}", W>;
  } else if constexpr (W::dims[2] != W::dims[3]) {
    return broken<"conv2d: the kernel must be square: weight {}", W>;
  } else if constexpr (Stride < 1) {
    return broken<"conv2d: the stride must be at least 1">;
  } else if constexpr (W::dims[2] > X::dims[1] || W::dims[2] > X::dims[2]) {
    return broken<"conv2d: the kernel is larger than the input: weight {} on input {}", W, X>;
  } else {
    using T = detail::table_or_full<Table, X, W>;
    constexpr std::size_t rows = detail::table_rows<T>(), cols = detail::table_cols<T>();
    if constexpr (rows != W::dims[0])
      return broken<"conv2d: the connection table has {} output planes, the weight {} has {}", number<rows>, W,
                    number<W::dims[0]>>;
    else if constexpr (cols != W::dims[1])
      return broken<"conv2d: input planes differ: the weight {} reads {} planes per output plane, the connection "
                    "table lists {} (a full convolution reads all planes of the input {})",
                    W, number<W::dims[1]>, number<cols>, X>;
    else if constexpr (!detail::table_planes_exist<T>(X::dims[0]))
      return broken<"conv2d: the connection table names an input plane that does not exist: the input {} has {} planes",
                    X, number<X::dims[0]>>;
    else if constexpr (!detail::table_rows_ascending<T>())
      return broken<"conv2d: each row of the connection table must list input planes in ascending order, without "
                    "repeats">;
    else
      return holds;
  }
}

template <std::size_t Stride, class Table, class X, class W>
struct Conv2d : OpBase {
  using in_shape = typename X::shape;
  using weight_shape = typename W::shape;
  static_assert(checked<conv2d_rule<Stride, Table, in_shape, weight_shape>()>);
  static constexpr std::size_t in_planes = in_shape::dims[0];
  static constexpr std::size_t kernel = weight_shape::dims[2];

  using geometry = kernels::ConvGeometry<in_planes, in_shape::dims[1], in_shape::dims[2], weight_shape::dims[0],
                                         weight_shape::dims[1], kernel, Stride, Table>;
  using shape = Shape<geometry::out_planes, geometry::out_h, geometry::out_w>;
  using arguments = std::tuple<X, W>;
  // The SIMD path's patch matrices (im2col in forward, im2row in backward)
  // and its col2im frames.
  using scratch = Tensor<Shape<geometry::scratch_size>>;
  static constexpr std::string_view op_name = "conv2d";
  static constexpr bool writes_input_grads = true;
  static constexpr bool has_backward_batch = is_param_leaf<W>::value && !is_param_leaf<X>::value;  // backward_batch
  static constexpr std::size_t macs = shape::size * geometry::fan_in_planes * geometry::taps;
  static constexpr std::size_t connections = macs;
  arguments args;
  bool operator==(const Conv2d&) const = default;

  // ONNX (io/onnx.hpp): Conv with the stride (the padding is pad's own node).
  // A connection table becomes a dense [out, in, k, k] weight with zeros for
  // the planes an output does not read: one Conv node, where separate
  // convolutions and a Concat would need a Gather of each row's planes. The
  // dense weight is computed in the graph from the parameter as ctgrad holds
  // it, so the initializer keeps its name and shape: a MatMul with a 0/1
  // selection [out, in, read], exact since each sum has one nonzero term.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x, const Value& w) const {
    const std::vector<std::int64_t> window = {kernel, kernel}, strides = {Stride, Stride};
    return onnx.node("Conv", {x, dense_weight(onnx, w)}, {{"kernel_shape", window}, {"strides", strides}});
  }
  template <class Onnx, class Value>
  Value dense_weight(Onnx& onnx, const Value& w) const {
    constexpr std::size_t out = weight_shape::dims[0], read = weight_shape::dims[1];
    if constexpr (std::is_same_v<Table, full_connection<in_planes, out>>) {
      return w;
    } else {
      std::vector<float> selection(out * in_planes * read, 0.f);
      for (std::size_t o = 0; o < out; ++o)
        for (std::size_t j = 0; j < read; ++j) selection[(o * in_planes + Table::planes[o][j]) * read + j] = 1.f;
      const Value dense = onnx.node("MatMul", {onnx.floats({out, in_planes, read}, selection),
                                               onnx.reshape(w, {out, read, kernel * kernel})});
      return onnx.reshape(dense, {out, in_planes, kernel, kernel});
    }
  }

  template <class K>
  void forward(const Tensor<in_shape>& x, const Tensor<weight_shape>& w, Tensor<shape>& y, scratch& s) const {
    K::template conv2d_forward<geometry>(x.data(), w.data(), y.data(), s.data());
  }
  template <class K, class DX, class DW>
  void backward(const Tensor<in_shape>& x, const Tensor<weight_shape>& w, const Tensor<shape>&,
                const Tensor<shape>& dy, DX dx, DW dw, scratch& s) const {
    static_assert(wants_grad<DW>, "conv2d: the weight must be trainable (a Parameter)");
    if constexpr (DW::overwrite) std::fill(dw.data(), dw.data() + weight_shape::size, 0.f);
    K::template conv2d_backward<geometry, DX::overwrite>(x.data(), w.data(), dy.data(), dw.data(), dx.data(), s.data());
  }
  // Each output is a weighted sum over the table's planes, so Gauss-Newton
  // gives c_x = the input-gradient map with squared weights, and a shared
  // weight's curvature sums c_y x^2 over all its connections: the backward
  // kernel on squared operands. The pass's own scratch leaves the forward's
  // patches alone.
  struct curvature_scratch {
    Tensor<in_shape> x_squared;
    Tensor<weight_shape> w_squared;
    scratch patches;
  };
  static constexpr bool has_curvature_rule = true;
  template <class K, class CX, class CW>
  void curvature(const Tensor<in_shape>& x, const Tensor<weight_shape>& w, const Tensor<shape>&,
                 const Tensor<shape>& cy, CX cx, CW cw, scratch&, curvature_scratch& squares) const {
    static_assert(wants_grad<CW>, "conv2d: the weight must be trainable (a Parameter)");
    K::template square<in_shape::size>(x.data(), squares.x_squared.data());
    K::template square<weight_shape::size>(w.data(), squares.w_squared.data());
    K::template conv2d_backward<geometry>(squares.x_squared.data(), squares.w_squared.data(), cy.data(), cw.data(),
                                          cx.data(), squares.patches.data());
  }
  // A batch against a shared weight: the weight gradient is summed over the
  // batch inside the kernel (its accumulators stay in registers), the input
  // gradients are per example.
  template <class K, std::size_t B, class DX, class DW>
  void backward_batch(const std::array<Tensor<in_shape>, B>& x, const Tensor<weight_shape>& w,
                      const std::array<Tensor<shape>, B>&, const std::array<Tensor<shape>, B>& dy, DX dx, DW dw,
                      std::array<scratch, B>& s) const {
    static_assert(wants_grad<DW>, "conv2d: the weight must be trainable (a Parameter)");
    if constexpr (DW::overwrite) std::fill(dw.data(), dw.data() + weight_shape::size, 0.f);
    constexpr bool write_dx = [] {
      if constexpr (wants_grad<DX>)
        return DX::value_type::overwrite;
      else
        return false;
    }();
    float* dx_base = nullptr;
    if constexpr (wants_grad<DX>) dx_base = dx[0].data();
    K::template conv2d_backward_batch<geometry, write_dx>(
        B, kernels::Examples{x[0].data(), tensor_stride<in_shape>}, w.data(),
        kernels::Examples{dy[0].data(), tensor_stride<shape>}, dw.data(),
        kernels::MutableExamples{dx_base, tensor_stride<in_shape>},
        kernels::MutableExamples{s[0].data(), tensor_stride<typename scratch::shape>});
  }
};

// conv2d<Stride>(x, w): full connection; conv2d<Stride, Table>(x, w): sparse
// (core/shape_rule.hpp, checked_factory).
template <std::size_t Stride, class Table>
struct conv2d_spec {
  template <operand X, operand W>
  static constexpr auto rule() { return conv2d_rule<Stride, Table, shape_of<X>, shape_of<W>>(); }
  template <class X, class W>
  static constexpr auto make(X&& x, W&& w) {
    using T = detail::table_or_full<Table, shape_of<X>, shape_of<W>>;
    return Conv2d<Stride, T, expr_t<X>, expr_t<W>>{{}, {as_expr(x), as_expr(w)}};
  }
};
template <std::size_t Stride, class Table = void>
inline constexpr checked_factory<conv2d_spec<Stride, Table>> conv2d{};

}  // namespace ctgrad
