#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// Cuts an image [C, H, W] into non-overlapping P x P patches, one token per
// patch: y [T, C*P*P] with T = (H/P)*(W/P) tokens in row-major patch order and
// each token's features in (channel, row in patch, column in patch) order,
// the order of ViT's Conv2d(kernel = stride = P) weight, so that
// matmul(patchify<P>(x), w) with w [C*P*P, D] is that patch embedding.
// A pure rearrangement: forward copies, backward scatters the gradient back.
// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <std::size_t P, class X>
constexpr auto patchify_rule() {
  if constexpr (X::rank != 3)
    return broken<"patchify: the image must be [channels, height, width], not {}", X>;
  else if constexpr (P < 1)
    return broken<"patchify: the patch size must be at least 1">;
  else if constexpr (X::dims[1] % P != 0 || X::dims[2] % P != 0)
    return broken<"patchify: the patch size does not divide the image: patch {}, image {}", number<P>, X>;
  else
    return holds;
}

template <std::size_t P, class X>
struct Patchify : OpBase {
  using in_shape = typename X::shape;
  static_assert(checked<patchify_rule<P, in_shape>()>);
  static constexpr std::size_t channels = in_shape::dims[0];
  static constexpr std::size_t height = in_shape::dims[1];
  static constexpr std::size_t width = in_shape::dims[2];
  static constexpr std::size_t patches_down = height / P;
  static constexpr std::size_t patches_across = width / P;
  static constexpr std::size_t features = channels * P * P;
  using shape = Shape<patches_down * patches_across, features>;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "patchify";
  arguments args;
  bool operator==(const Patchify&) const = default;

  // ONNX (io/onnx.hpp): Reshape to [C, rows of patches, P, columns of
  // patches, P], Transpose to [rows, columns, C, P, P], Reshape to [tokens,
  // features]: source()'s order.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const {
    const Value split = onnx.reshape(x, {channels, patches_down, P, patches_across, P});
    std::vector<std::int64_t> perm = {1, 3, 0, 2, 4};
    if (x.batched) {
      for (std::int64_t& axis : perm) ++axis;
      perm.insert(perm.begin(), 0);
    }
    return onnx.reshape(onnx.node("Transpose", {split}, {{"perm", perm}}), {shape::dims[0], features});
  }

  // Image index of feature `feature` of token `token`.
  static constexpr std::size_t source(std::size_t token, std::size_t feature) {
    const std::size_t channel = feature / (P * P), py = feature / P % P, px = feature % P;
    const std::size_t row = token / patches_across * P + py, column = token % patches_across * P + px;
    return (channel * height + row) * width + column;
  }

  template <class K>
  void forward(const Tensor<in_shape>& x, Tensor<shape>& y, NoScratch&) const {
    for (std::size_t token = 0; token < shape::dims[0]; ++token)
      for (std::size_t feature = 0; feature < features; ++feature)
        y[token * features + feature] = x[source(token, feature)];
  }
  template <class K, class DX>
  void backward(const Tensor<in_shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>)
      for (std::size_t token = 0; token < shape::dims[0]; ++token)
        for (std::size_t feature = 0; feature < features; ++feature)
          dx.data()[source(token, feature)] += dy[token * features + feature];
  }
};

template <std::size_t P>
struct patchify_spec {  // patchify<P>(x) (core/shape_rule.hpp, checked_factory)
  template <operand X>
  static constexpr auto rule() { return patchify_rule<P, shape_of<X>>(); }
  template <class X>
  static constexpr auto make(X&& x) { return Patchify<P, expr_t<X>>{{}, {as_expr(x)}}; }
};
template <std::size_t P>
inline constexpr checked_factory<patchify_spec<P>> patchify{};

}  // namespace ctgrad
