#pragma once
// Non-overlapping S x S pooling of [planes, height, width] inputs: LeNet-5's
// trainable subsampling (LeCun et al. 1998, section II.B: "the four inputs
// to a unit in S2 are added, then multiplied by a trainable coefficient,
// and added to a trainable bias"), and max pooling. Kernels:
// src/kernels/pooling.hpp.
#include "ctgrad/kernels/geometry.hpp"
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

namespace detail {
// The shape rule both pools share; the messages name the op.
template <fixed_string Rank, fixed_string Divide, std::size_t S, class X>
constexpr auto window_rule() {
  if constexpr (X::rank != 3)
    return broken<Rank, X>;
  else if constexpr (S < 1 || X::dims[1] % S != 0 || X::dims[2] % S != 0)
    return broken<Divide, number<S>, X>;
  else
    return holds;
}
template <std::size_t S, class X>
using pool_geometry = kernels::PoolGeometry<X::dims[0], X::dims[1], X::dims[2], S>;
}  // namespace detail

// The shape rules (core/shape_rule.hpp says how a message reaches the first error line).
template <std::size_t S, class X, class C>
constexpr auto subsample_rule() {
  constexpr auto window =
      detail::window_rule<"subsample: the input must be [planes, height, width], not {}",
                          "subsample: the window does not divide the planes: window {}, input {}", S, X>();
  if constexpr (!rule_holds<window>)
    return window;
  else if constexpr (!std::is_same_v<C, Shape<X::dims[0]>>)
    return broken<"subsample: the coefficient must be a vector [planes], one per plane of the input: "
                  "coefficient {}, input {}",
                  C, X>;
  else
    return holds;
}
template <std::size_t S, class X>
constexpr auto max_pool_rule() {
  return detail::window_rule<"max_pool: the input must be [planes, height, width], not {}",
                             "max_pool: the window does not divide the planes: window {}, input {}", S, X>();
}

// y[c, i, j] = w[c] * (sum of x[c] over window (i, j)): the sum of each
// S x S window times its plane's coefficient (LeNet-5's S2 and S4 are
// plane_bias(subsample<2>(x, coefficient), bias) then the squashing).
// Backward: dx = w[c] dy spread over the window; dw[c] += sum of dy times
// the window sums. Connections (the 1998 paper's count): every input meets
// its plane's coefficient once.
template <std::size_t S, class X, class C>
struct Subsample : OpBase {
  using in_shape = typename X::shape;
  using coefficient_shape = typename C::shape;
  static_assert(checked<subsample_rule<S, in_shape, coefficient_shape>()>);
  using geometry = detail::pool_geometry<S, in_shape>;
  using shape = Shape<geometry::planes, geometry::out_h, geometry::out_w>;
  using arguments = std::tuple<X, C>;
  // The window sums (for dw) and w[c] dy (for dx).
  struct scratch {
    Tensor<shape> sums, scaled;
  };
  static constexpr std::string_view op_name = "subsample";
  static constexpr bool writes_input_grads = true;
  static constexpr std::size_t macs = in_shape::size;
  static constexpr std::size_t connections = is_param_leaf<C>::value ? in_shape::size : 0;
  arguments args;
  bool operator==(const Subsample&) const = default;

  // ONNX (io/onnx.hpp): the window sums as a convolution of each plane on its
  // own (group = planes) with a kernel of ones (AveragePool's mean times S^2
  // would round differently), then Mul by the plane's coefficient.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x, const Value& w) const {
    constexpr std::size_t planes = geometry::planes;
    const std::vector<float> ones(planes * S * S, 1.f);
    const std::vector<std::int64_t> window = {S, S};
    const Value sums = onnx.node("Conv", {x, onnx.floats({planes, 1, S, S}, ones)},
                                 {{"group", std::int64_t{planes}}, {"kernel_shape", window}, {"strides", window}});
    return onnx.node("Mul", {sums, onnx.reshape(w, {planes, 1, 1})});
  }

  template <class K>
  void forward(const Tensor<in_shape>& x, const Tensor<coefficient_shape>& w, Tensor<shape>& y, scratch& s) const {
    K::template window_sum_forward<geometry>(x.data(), s.sums.data());
    for (std::size_t c = 0; c < geometry::planes; ++c)
      K::template scale<geometry::out_plane>(w[c], s.sums.data() + c * geometry::out_plane,
                                             y.data() + c * geometry::out_plane);
  }
  template <class K, class DX, class DW>
  void backward(const Tensor<in_shape>&, const Tensor<coefficient_shape>& w, const Tensor<shape>&,
                const Tensor<shape>& dy, DX dx, DW dw, scratch& s) const {
    if constexpr (wants_grad<DW>)
      for (std::size_t c = 0; c < geometry::planes; ++c) {
        const float total = K::template dot<geometry::out_plane>(dy.data() + c * geometry::out_plane,
                                                                 s.sums.data() + c * geometry::out_plane);
        if constexpr (DW::overwrite)
          dw.data()[c] = total;
        else
          dw.data()[c] += total;
      }
    if constexpr (wants_grad<DX>) {
      for (std::size_t c = 0; c < geometry::planes; ++c)
        K::template scale<geometry::out_plane>(w[c], dy.data() + c * geometry::out_plane,
                                               s.scaled.data() + c * geometry::out_plane);
      K::template window_sum_backward<geometry, DX::overwrite>(s.scaled.data(), dx.data());
    }
  }
  // Each output is one unit whose input is its window sum times w[c]:
  // Gauss-Newton gives c_x = w[c]^2 c_y over the window, and c_w[c] the sum
  // over the plane's units of c_y (window sum)^2. (Exact for the unit; the
  // 1998 paper's per-connection sum of c_y x^2 would drop the cross terms
  // between the four inputs that share the coefficient in one unit.)
  struct curvature_scratch {
    Tensor<shape> squared_sums, scaled;
  };
  static constexpr bool has_curvature_rule = true;
  template <class K, class CX, class CW>
  void curvature(const Tensor<in_shape>& x, const Tensor<coefficient_shape>& w, const Tensor<shape>&,
                 const Tensor<shape>& cy, CX cx, CW cw, scratch&, curvature_scratch& t) const {
    if constexpr (wants_grad<CW>) {
      K::template window_sum_forward<geometry>(x.data(), t.scaled.data());
      K::template square<shape::size>(t.scaled.data(), t.squared_sums.data());
      for (std::size_t c = 0; c < geometry::planes; ++c)
        cw.data()[c] += K::template dot<geometry::out_plane>(cy.data() + c * geometry::out_plane,
                                                             t.squared_sums.data() + c * geometry::out_plane);
    }
    if constexpr (wants_grad<CX>) {
      for (std::size_t c = 0; c < geometry::planes; ++c)
        K::template scale<geometry::out_plane>(w[c] * w[c], cy.data() + c * geometry::out_plane,
                                               t.scaled.data() + c * geometry::out_plane);
      K::template window_sum_backward<geometry>(t.scaled.data(), cx.data());
    }
  }
};

// y[c, i, j] = the largest x[c] in window (i, j). Backward: each dy goes to
// the window's first element (row by row) equal to its maximum, found again
// from the saved input and output, as PyTorch's max_pool2d routes it.
template <std::size_t S, class X>
struct MaxPool : OpBase {
  using in_shape = typename X::shape;
  static_assert(checked<max_pool_rule<S, in_shape>()>);
  using geometry = detail::pool_geometry<S, in_shape>;
  using shape = Shape<geometry::planes, geometry::out_h, geometry::out_w>;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "max_pool";
  static constexpr bool writes_input_grads = true;
  arguments args;
  bool operator==(const MaxPool&) const = default;

  // ONNX (io/onnx.hpp): MaxPool, window and stride S.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const {
    const std::vector<std::int64_t> window = {S, S};
    return onnx.node("MaxPool", {x}, {{"kernel_shape", window}, {"strides", window}});
  }

  template <class K>
  void forward(const Tensor<in_shape>& x, Tensor<shape>& y, NoScratch&) const {
    K::template max_pool_forward<geometry>(x.data(), y.data());
  }
  template <class K, class DX>
  void backward(const Tensor<in_shape>& x, const Tensor<shape>& y, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>)
      K::template max_pool_backward<geometry, DX::overwrite>(x.data(), y.data(), dy.data(), dx.data());
  }
  // A unit weight on the chosen element: the curvature is routed like the gradient.
  static constexpr bool has_curvature_rule = true;
  template <class K, class CX>
  void curvature(const Tensor<in_shape>& x, const Tensor<shape>& y, const Tensor<shape>& cy, CX cx, NoScratch&,
                 NoScratch&) const {
    if constexpr (wants_grad<CX>) K::template max_pool_backward<geometry>(x.data(), y.data(), cy.data(), cx.data());
  }
};

// subsample<S>(x, coefficient) and max_pool<S>(x) (core/shape_rule.hpp, checked_factory).
template <std::size_t S>
struct subsample_spec {
  template <operand X, operand C>
  static constexpr auto rule() { return subsample_rule<S, shape_of<X>, shape_of<C>>(); }
  template <class X, class C>
  static constexpr auto make(X&& x, C&& coefficient) {
    return Subsample<S, expr_t<X>, expr_t<C>>{{}, {as_expr(x), as_expr(coefficient)}};
  }
};
template <std::size_t S>
inline constexpr checked_factory<subsample_spec<S>> subsample{};

template <std::size_t S>
struct max_pool_spec {
  template <operand X>
  static constexpr auto rule() { return max_pool_rule<S, shape_of<X>>(); }
  template <class X>
  static constexpr auto make(X&& x) { return MaxPool<S, expr_t<X>>{{}, {as_expr(x)}}; }
};
template <std::size_t S>
inline constexpr checked_factory<max_pool_spec<S>> max_pool{};

}  // namespace ctgrad
