#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class X>
constexpr auto softmax_rule() {
  if constexpr (X::rank < 1)
    return broken<"softmax: the input needs an axis to normalise over, not {}", X>;
  else
    return holds;
}

// Softmax over the last axis: every row of x (a vector is one row) becomes
// probabilities, y = e^(x - max) / sum e^(x - max); subtracting the row's
// largest value keeps e^ from overflowing.
// Backward, per row (the Jacobian diag(y) - y y^T applied to dy):
//   dx += y * (dy - dot(dy, y)).
// For a loss on class scores, cross_entropy(logits, target) is the fused and
// more accurate form; this op is for probabilities used inside a network.
// (Not named Softmax: lenet1's recipe of that name would be ambiguous.)
template <class X>
struct SoftmaxRows : OpBase {
  using shape = typename X::shape;
  static_assert(checked<softmax_rule<shape>()>);
  static constexpr std::size_t features = shape::dims[shape::rank - 1];
  static constexpr std::size_t rows = shape::size / features;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "softmax";
  arguments args;
  bool operator==(const SoftmaxRows&) const = default;

  // ONNX (io/onnx.hpp): Softmax over the last axis (opset 13 and later normalise over that axis alone).
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const { return onnx.node("Softmax", {x}, {{"axis", std::int64_t{-1}}}); }

  template <class K>
  void forward(const Tensor<shape>& x, Tensor<shape>& y, NoScratch&) const {
    for (std::size_t row = 0; row < rows; ++row) {
      const float* in = x.data() + row * features;
      float* out = y.data() + row * features;
      K::template exp_shifted<features>(in, K::template max<features>(in), out);
      K::template scale<features>(1.f / K::template sum<features>(out), out, out);
    }
  }
  template <class K, class DX>
  void backward(const Tensor<shape>&, const Tensor<shape>& y, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>)
      for (std::size_t row = 0; row < rows; ++row) {
        const std::size_t offset = row * features;
        const float weighted = K::template dot<features>(dy.data() + offset, y.data() + offset);
        K::template softmax_backward_row<features>(y.data() + offset, dy.data() + offset, weighted,
                                                   dx.data() + offset);
      }
  }
};

struct softmax_spec : makes<SoftmaxRows> {  // softmax(x) (core/shape_rule.hpp, checked_factory)
  template <operand X>
  static constexpr auto rule() { return softmax_rule<shape_of<X>>(); }
};
inline constexpr checked_factory<softmax_spec> softmax{};

}  // namespace ctgrad
