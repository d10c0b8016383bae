#pragma once
// The activations: each one small struct, its scalar rule and its vector rule
// side by side (as Eigen's functors hold operator() and packetOp), and its
// ONNX form. ops/activation.hpp makes any of them a graph node.
//
// A rule has
//   name                                   the op's name ("tanh")
//   float forward(float x)                 y = f(x)
//   float backward(x, y, dy, dx)           the new dx, dx + dy f'(x), from the
//                                          saved input x or output y (either)
//   forward_vector<V>(x), backward_vector<V>(x, y, dy, dx)
//                                          the same on V::batch, xsimd vectors:
//                                          xsimd's functions by argument-dependent
//                                          lookup, fused multiply-adds from V
//   to_onnx(onnx, x)                       its ONNX nodes (io/onnx.hpp)
// The backward's first writer (dx = dy f'(x)) and the Gauss-Newton curvature,
// c_x += c_y f'(x)^2, follow from the backward with dx = 0 and dy = 1: the
// kernels derive them (src/kernels/elementwise.hpp).
//
// The rules in `compiled_activations` have their kernels compiled once per
// kernel set into the ctgrad library; add a new rule there to get its SIMD
// kernels. A rule defined elsewhere works too: its node runs the scalar rule
// in a plain loop, in the user's own code.
#include <cmath>
#include <concepts>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace ctgrad::activation {

// y = max(x, 0). Backward from the saved output: positive exactly where the
// input was; at x = 0 the gradient is taken as 0, as in PyTorch.
struct Relu {
  static constexpr std::string_view name = "relu";
  static float forward(float x) { return x > 0.f ? x : 0.f; }
  static float backward(float, float y, float dy, float dx) { return y > 0.f ? dx + dy : dx; }
  template <class V>
  static auto forward_vector(typename V::batch x) {
    return max(x, typename V::batch(0.f));
  }
  template <class V, class B>
  static B backward_vector(B, B y, B dy, B dx) {
    return select(y > B(0.f), dx + dy, dx);
  }
  template <class Onnx, class Value>
  static Value to_onnx(Onnx& onnx, const Value& x) { return onnx.node("Relu", {x}); }
};

// y = tanh(x); backward from the saved output: dy (1 - y^2).
struct Tanh {
  static constexpr std::string_view name = "tanh";
  static float forward(float x) { return std::tanh(x); }
  static float backward(float, float y, float dy, float dx) { return dx + dy * (1.f - y * y); }
  template <class V>
  static auto forward_vector(typename V::batch x) {
    return tanh(x);
  }
  template <class V, class B>
  static B backward_vector(B, B y, B dy, B dx) {
    return V::multiply_add(dy, V::negated_multiply_add(y, y, B(1.f)), dx);
  }
  template <class Onnx, class Value>
  static Value to_onnx(Onnx& onnx, const Value& x) { return onnx.node("Tanh", {x}); }
};

// y = 1 / (1 + e^-x); backward from the saved output: dy y (1 - y).
struct Sigmoid {
  static constexpr std::string_view name = "sigmoid";
  static float forward(float x) { return 1.f / (1.f + std::exp(-x)); }
  static float backward(float, float y, float dy, float dx) { return dx + dy * y * (1.f - y); }
  template <class V>
  static auto forward_vector(typename V::batch x) {
    using B = typename V::batch;
    return B(1.f) / (B(1.f) + exp(-x));
  }
  template <class V, class B>
  static B backward_vector(B, B y, B dy, B dx) {
    return V::multiply_add(dy * y, B(1.f) - y, dx);
  }
  template <class Onnx, class Value>
  static Value to_onnx(Onnx& onnx, const Value& x) { return onnx.node("Sigmoid", {x}); }
};

// y = x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), the exact GELU (Hendrycks and
// Gimpel 2016), torch.nn.GELU()'s default (not its tanh approximation).
// Backward from the saved input: dy (Phi(x) + x phi(x)), phi the standard
// normal density.
struct Gelu {
  static constexpr std::string_view name = "gelu";
  static constexpr float inverse_sqrt2 = 0.70710678f;     // 1 / sqrt(2)
  static constexpr float inverse_sqrt_2pi = 0.39894228f;  // 1 / sqrt(2 pi), phi's factor
  static float forward(float x) { return 0.5f * x * (1.f + std::erf(x * inverse_sqrt2)); }
  static float backward(float x, float, float dy, float dx) {
    const float cdf = 0.5f * (1.f + std::erf(x * inverse_sqrt2));
    return dx + dy * (cdf + x * inverse_sqrt_2pi * std::exp(-0.5f * x * x));
  }
  template <class V>
  static auto forward_vector(typename V::batch x) {
    using B = typename V::batch;
    return B(0.5f) * x * (B(1.f) + erf(x * B(inverse_sqrt2)));
  }
  template <class V, class B>
  static B backward_vector(B x, B, B dy, B dx) {
    const B half(0.5f);
    const B cdf = half * (B(1.f) + erf(x * B(inverse_sqrt2)));
    const B density = B(inverse_sqrt_2pi) * exp(-half * x * x);
    return V::multiply_add(dy, V::multiply_add(x, density, cdf), dx);
  }
  // ONNX opset 17 has no Gelu node: the same exact form from Mul, Erf and Add.
  template <class Onnx, class Value>
  static Value to_onnx(Onnx& onnx, const Value& x) {
    const Value erf = onnx.node("Erf", {onnx.node("Mul", {x, onnx.scalar(inverse_sqrt2)})});
    return onnx.node("Mul", {onnx.node("Mul", {onnx.scalar(0.5f), x}), onnx.node("Add", {onnx.scalar(1.f), erf})});
  }
};

// A rule over n elements, in plain loops: the scalar kernel set's activation
// kernels, and any rule the library does not compile (kernels.hpp).
// dx += dy f'(x) (Write: dx = dy f'(x), the rule's backward from dx = 0).
template <class Rule>
void forward_loop(const Rule& rule, std::size_t n, const float* x, float* y) {
  for (std::size_t i = 0; i < n; ++i) y[i] = rule.forward(x[i]);
}
template <bool Write, class Rule>
void backward_loop(const Rule& rule, std::size_t n, const float* x, const float* y, const float* dy, float* dx) {
  for (std::size_t i = 0; i < n; ++i) dx[i] = rule.backward(x[i], y[i], dy[i], Write ? 0.f : dx[i]);
}
// cx += cy f'(x)^2, f'(x) the rule's backward of dy = 1 from dx = 0
template <class Rule>
void curvature_loop(const Rule& rule, std::size_t n, const float* x, const float* y, const float* cy, float* cx) {
  for (std::size_t i = 0; i < n; ++i) {
    const float slope = rule.backward(x[i], y[i], 1.f, 0.f);
    cx[i] += cy[i] * slope * slope;
  }
}

// The rules whose kernels the ctgrad library compiles for every kernel set,
// in the order of the kernel table's entries (table.hpp).
using compiled_activations = std::tuple<Relu, Tanh, Sigmoid, Gelu>;

namespace detail {
template <class Rule, class List>
struct index_in;
template <class Rule, class... Rules>
struct index_in<Rule, std::tuple<Rules...>> {
  static constexpr std::size_t value = [] {
    constexpr bool same[] = {std::is_same_v<Rule, Rules>...};
    for (std::size_t i = 0; i < sizeof...(Rules); ++i)
      if (same[i]) return i;
    return sizeof...(Rules);
  }();
};
}  // namespace detail

inline constexpr std::size_t compiled_count = std::tuple_size_v<compiled_activations>;
// The rule's entry in the kernel table, or compiled_count if the library
// does not compile it.
template <class Rule>
inline constexpr std::size_t compiled_index = detail::index_in<Rule, compiled_activations>::value;
template <class Rule>
inline constexpr bool is_compiled = compiled_index<Rule> < compiled_count;

// What a rule must offer (the vector rule is checked where it is compiled).
// A rule may hold run-time data (a slope, say), copied into its node.
template <class R>
concept Rule = std::copy_constructible<R> && requires(const R& rule, float v) {
  { R::name } -> std::convertible_to<std::string_view>;
  { rule.forward(v) } -> std::same_as<float>;
  { rule.backward(v, v, v, v) } -> std::same_as<float>;
};

}  // namespace ctgrad::activation
