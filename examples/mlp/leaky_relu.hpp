#pragma once
// A new activation, written outside the library: y = x for x > 0, slope * x
// otherwise. One small struct holds its rule; ctgrad::elementwise makes it a
// graph node (docs/extending.md).
#include <ctgrad/ctgrad.hpp>

namespace mlp {

struct LeakyRelu {
  static constexpr std::string_view name = "leaky_relu";
  float slope = 0.01f;  // run-time data: part of the node, compared by operator==
  bool operator==(const LeakyRelu&) const = default;

  float forward(float x) const { return x > 0 ? x : slope * x; }
  // dx + dy * (1 or slope), read off the saved output y (or the input x)
  float backward(float /*x*/, float y, float dy, float dx) const { return dx + (y > 0 ? dy : slope * dy); }
  // ONNX (docs/deploying.md): one LeakyRelu node.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x) const {
    return onnx.node("LeakyRelu", {x}, {{"alpha", slope}});
  }
};

template <class X>
auto leaky_relu(X&& x, float slope = 0.01f) {
  return ctgrad::elementwise(LeakyRelu{slope}, x);
}

}  // namespace mlp
