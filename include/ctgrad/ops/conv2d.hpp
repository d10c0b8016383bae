#pragma once
// 2-D convolution, no padding (pad() is its own op), with a stride and a
// compile-time connection table: output plane o reads only the input planes
// Table::planes[o] lists (LeCun 1989's H2 reads 8 of H1's 12 planes).
// The weight is [out planes, planes read per output, k, k]; slot j of output
// plane o holds the kernel applied to input plane Table::planes[o][j].
#include <array>

#include "ctgrad/kernels/conv_geometry.hpp"
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
}  // namespace detail

template <std::size_t Stride, class Table, class X, class W>
struct Conv2d : OpBase {
  using in_shape = typename X::shape;
  using weight_shape = typename W::shape;
  static_assert(in_shape::rank == 3, "conv2d: the input must be [planes, height, width]");
  static_assert(weight_shape::rank == 4, "conv2d: the weight must be [out planes, planes read, k, k]");
  static_assert(weight_shape::dims[2] == weight_shape::dims[3], "conv2d: the kernel must be square");
  static_assert(Stride >= 1, "conv2d: the stride must be at least 1");
  static constexpr std::size_t in_planes = in_shape::dims[0];
  static constexpr std::size_t kernel = weight_shape::dims[2];
  static_assert(kernel <= in_shape::dims[1] && kernel <= in_shape::dims[2], "conv2d: the kernel is larger than the input");
  // The "In instantiation of Conv2d<...>" line above these errors names the shapes.
  static_assert(detail::table_rows<Table>() == weight_shape::dims[0],
                "conv2d: the connection table and the weight have different numbers of output planes");
  static_assert(detail::table_cols<Table>() == weight_shape::dims[1],
                "conv2d: input planes differ: the weight reads a different number of planes than the connection table "
                "(a full convolution reads all of the input's planes)");
  static_assert(detail::table_planes_exist<Table>(in_planes),
                "conv2d: the connection table names an input plane that does not exist");
  static_assert(detail::table_rows_ascending<Table>(),
                "conv2d: each row of the connection table must list input planes in ascending order, without repeats");

  using geometry = kernels::ConvGeometry<in_planes, in_shape::dims[1], in_shape::dims[2], weight_shape::dims[0],
                                         weight_shape::dims[1], kernel, Stride, Table>;
  using shape = Shape<geometry::out_planes, geometry::out_h, geometry::out_w>;
  using arguments = std::tuple<X, W>;
  // The SIMD path's patch matrices (im2col in forward, im2row in backward)
  // and its col2im frames.
  using scratch = Tensor<Shape<geometry::scratch_size>>;
  static constexpr std::string_view op_name = "conv2d";
  static constexpr bool writes_input_grads = true;
  static constexpr std::size_t macs = shape::size * geometry::fan_in_planes * geometry::taps;
  static constexpr std::size_t connections = macs;
  arguments args;
  bool operator==(const Conv2d&) const = default;

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
    K::template conv2d_backward_batch<geometry, write_dx>(
        B, [&](std::size_t e) { return x[e].data(); }, w.data(), [&](std::size_t e) { return dy[e].data(); }, dw.data(),
        [&](std::size_t e) -> float* {
          if constexpr (wants_grad<DX>)
            return dx[e].data();
          else
            return nullptr;
        },
        [&](std::size_t e) { return s[e].data(); });
  }
};

// conv2d<Stride>(x, w): full connection; conv2d<Stride, Table>(x, w): sparse.
template <std::size_t Stride, class Table = void, class X, class W>
constexpr auto conv2d(X&& x, W&& w) {
  using XE = expr_t<X>;
  using WE = expr_t<W>;
  static_assert(XE::shape::rank == 3, "conv2d: the input must be [planes, height, width]");
  static_assert(WE::shape::rank == 4, "conv2d: the weight must be [out planes, planes read, k, k]");
  using T = std::conditional_t<std::is_void_v<Table>,
                               full_connection<XE::shape::dims[0], WE::shape::dims[0]>, Table>;
  return Conv2d<Stride, T, XE, WE>{{}, {as_expr(x), as_expr(w)}};
}

}  // namespace ctgrad
