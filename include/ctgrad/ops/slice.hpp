#pragma once
// Compile-time slices, so that stacked weights can be cut per head or per
// block: take<I>(w) is w[I] (one block of a [depth, ...] weight), rows<B, N>
// and columns<B, N> a range of a matrix's rows or columns (one head's part of
// a projection). Forward copies; backward adds the gradient back in place.
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

namespace detail {
template <class S>
struct drop_first;
template <std::size_t First, std::size_t... Rest>
struct drop_first<Shape<First, Rest...>> {
  using type = Shape<Rest...>;
};
}  // namespace detail

// The shape rules (core/shape_rule.hpp says how their messages reach the first error line).
template <std::size_t Index, class X>
constexpr auto take_rule() {
  if constexpr (X::rank < 1)
    return broken<"take: the input must have a leading axis to index, not {}", X>;
  else if constexpr (Index >= X::dims[0])
    return broken<"take: the index {} is past the end of the leading axis of {}", number<Index>, X>;
  else
    return holds;
}
template <std::size_t Begin, std::size_t Count, bool ByColumns, class X>
constexpr auto slice_rule() {
  if constexpr (X::rank != 2)
    return broken<"slice: rows<>/columns<> take a matrix, not {}", X>;
  else if constexpr (Count < 1 || Begin + Count > X::dims[ByColumns ? 1 : 0])
    return broken<"slice: the range runs past the end of the matrix: {} {} from {} of {}", number<Count>,
                  std::conditional_t<ByColumns, word<"columns">, word<"rows">>, number<Begin>, X>;
  else
    return holds;
}

template <std::size_t Index, class X>
struct Take : OpBase {
  using in_shape = typename X::shape;
  static_assert(checked<take_rule<Index, in_shape>()>);
  using shape = typename detail::drop_first<in_shape>::type;
  static constexpr std::size_t offset = Index * shape::size;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "take";
  arguments args;
  bool operator==(const Take&) const = default;

  // ONNX (io/onnx.hpp): Gather of one index along the first axis, which drops that axis.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const {
    return onnx.node("Gather", {x, onnx.index(Index)}, {{"axis", onnx.axis(x, 0)}});
  }

  template <class K>
  void forward(const Tensor<in_shape>& x, Tensor<shape>& y, NoScratch&) const {
    std::copy_n(x.data() + offset, shape::size, y.data());
  }
  template <class K, class DX>
  void backward(const Tensor<in_shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>) K::template accumulate<shape::size>(dy.data(), dx.data() + offset);
  }
  static constexpr bool has_curvature_rule = true;  // routed like the gradient
  template <class K, class CX>
  void curvature(const Tensor<in_shape>& x, const Tensor<shape>& y, const Tensor<shape>& cy, CX cx, NoScratch& s,
                 NoScratch&) const {
    backward<K>(x, y, cy, cx, s);
  }
};

template <std::size_t Begin, std::size_t Count, bool ByColumns, class X>
struct MatrixSlice : OpBase {
  using in_shape = typename X::shape;
  static_assert(checked<slice_rule<Begin, Count, ByColumns, in_shape>()>);
  static constexpr std::size_t in_rows = in_shape::dims[0], in_cols = in_shape::dims[1];
  static constexpr std::size_t out_rows = ByColumns ? in_rows : Count, out_cols = ByColumns ? Count : in_cols;
  using shape = Shape<out_rows, out_cols>;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = ByColumns ? "columns" : "rows";
  arguments args;
  bool operator==(const MatrixSlice&) const = default;

  // ONNX (io/onnx.hpp): Slice of the rows or columns.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const {
    const Value starts = onnx.ints({Begin}), ends = onnx.ints({Begin + Count});
    return onnx.node("Slice", {x, starts, ends, onnx.ints({onnx.axis(x, ByColumns)})});
  }

  static constexpr std::size_t source(std::size_t row) {
    return ByColumns ? row * in_cols + Begin : (Begin + row) * in_cols;
  }
  template <class K>
  void forward(const Tensor<in_shape>& x, Tensor<shape>& y, NoScratch&) const {
    for (std::size_t r = 0; r < out_rows; ++r) std::copy_n(x.data() + source(r), out_cols, y.data() + r * out_cols);
  }
  template <class K, class DX>
  void backward(const Tensor<in_shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>)
      for (std::size_t r = 0; r < out_rows; ++r)
        K::template accumulate<out_cols>(dy.data() + r * out_cols, dx.data() + source(r));
  }
  static constexpr bool has_curvature_rule = true;  // routed like the gradient
  template <class K, class CX>
  void curvature(const Tensor<in_shape>& x, const Tensor<shape>& y, const Tensor<shape>& cy, CX cx, NoScratch& s,
                 NoScratch&) const {
    backward<K>(x, y, cy, cx, s);
  }
};

// take<Index>(x), rows<Begin, Count>(x), columns<Begin, Count>(x) (core/shape_rule.hpp, checked_factory).
template <std::size_t Index>
struct take_spec {
  template <operand X>
  static constexpr auto rule() { return take_rule<Index, shape_of<X>>(); }
  template <class X>
  static constexpr auto make(X&& x) { return Take<Index, expr_t<X>>{{}, {as_expr(x)}}; }
};
template <std::size_t Index>
inline constexpr checked_factory<take_spec<Index>> take{};

template <std::size_t Begin, std::size_t Count, bool Columns>
struct slice_spec {
  template <operand X>
  static constexpr auto rule() { return slice_rule<Begin, Count, Columns, shape_of<X>>(); }
  template <class X>
  static constexpr auto make(X&& x) { return MatrixSlice<Begin, Count, Columns, expr_t<X>>{{}, {as_expr(x)}}; }
};
template <std::size_t Begin, std::size_t Count>
inline constexpr checked_factory<slice_spec<Begin, Count, false>> rows{};
template <std::size_t Begin, std::size_t Count>
inline constexpr checked_factory<slice_spec<Begin, Count, true>> columns{};

}  // namespace ctgrad
