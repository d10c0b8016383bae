#pragma once
// Inverted dropout (Srivastava et al. 2014, as torch.nn.functional.dropout):
// while training, each element is kept with probability 1 - p and the kept
// ones are scaled by 1 / (1 - p), so the expected output equals the input and
// evaluation is the identity, with no rescaling.
//
// Design. A graph is built once and run for both training and evaluation, so
// the mode cannot be part of the node's type. The node holds a pointer to a
// DropoutControl that the trainer owns, and reads it at every forward:
//   DropoutControl control{&rng, true};       // rng: the trainer's seeded mt19937
//   auto h = dropout(flatten(h2), 0.25f, control);
//   control.training = false;                 // evaluation: identity
// The mask is drawn from control.rng with ctgrad::uniform01 (not a std::
// distribution), so a seed gives the same masks on every platform; elements
// draw in order, and dropout nodes draw in the graph's schedule order. The
// mask (0 or 1/(1-p) per element, 1 in evaluation) is the op's scratch and is
// what backward multiplies by, so backward uses the mask of the last forward.
// Nodes compare by control pointer and p: two dropouts of one type must share both.
#include <random>
#include <stdexcept>
#include <string>

#include "ctgrad/core/random.hpp"
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

struct DropoutControl {
  std::mt19937* rng = nullptr;  // needed only while training
  bool training = false;
};

// For evaluation, or a model without dropout: every dropout node is the identity.
inline const DropoutControl no_dropout{};

template <class X>
struct Dropout : OpBase {
  using shape = typename X::shape;
  using arguments = std::tuple<X>;
  using scratch = Tensor<shape>;  // the multiplier each element got in the last forward
  static constexpr std::string_view op_name = "dropout";
  arguments args;
  const DropoutControl* control = nullptr;
  float probability = 0.f;
  bool operator==(const Dropout&) const = default;

  // ONNX (io/onnx.hpp): nothing; at inference dropout is the identity.
  template <class Onnx, class Value>
  Value to_onnx(Onnx&, const Value& x) const { return x; }

  template <class K>
  void forward(const Tensor<shape>& x, Tensor<shape>& y, scratch& mask) const {
    // No kernel: the draws are one sequential generator stream, and the
    // multiply rides along with them.
    if (!control->training) {
      y = x;
      mask.fill(1.f);
      return;
    }
    if (!control->rng) throw std::logic_error("dropout: DropoutControl::training is set but its rng is null");
    const float kept_scale = 1.f / (1.f - probability);
    for (std::size_t i = 0; i < shape::size; ++i) {
      mask[i] = uniform01(*control->rng) >= probability ? kept_scale : 0.f;
      y[i] = x[i] * mask[i];
    }
  }
  template <class K, class DX>
  void backward(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, scratch& mask) const {
    if constexpr (wants_grad<DX>)
      for (std::size_t i = 0; i < shape::size; ++i) dx.data()[i] += dy[i] * mask[i];
  }
  // y = mask x: c_x = mask^2 c_y, with the mask of the last forward.
  static constexpr bool has_curvature_rule = true;
  template <class K, class CX>
  void curvature(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>& cy, CX cx, scratch& mask,
                 NoScratch&) const {
    if constexpr (wants_grad<CX>)
      for (std::size_t i = 0; i < shape::size; ++i) cx.data()[i] += cy[i] * mask[i] * mask[i];
  }
};

// p: the probability of zeroing an element, in [0, 1).
template <class X>
auto dropout(X&& x, float p, const DropoutControl& control) {
  if (!(p >= 0.f && p < 1.f))
    throw std::invalid_argument("dropout: the probability p must be in [0, 1), got " + std::to_string(p));
  return Dropout<expr_t<X>>{{}, {as_expr(x)}, &control, p};
}
// The node keeps a pointer: a temporary control would dangle.
template <class X>
auto dropout(X&& x, float p, const DropoutControl&& control) = delete;

}  // namespace ctgrad
