#pragma once
#include <cmath>

#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// Layer normalization (Ba et al. 2016) of each row of x [T, D] (or of a vector
// [D]) over its D features, then a learned scale and shift per feature:
//   y = (x - mean) * rstd * gamma + beta,   rstd = 1 / sqrt(var + 1e-5),
// var the biased variance (divided by D), as torch.nn.LayerNorm.
// Scratch keeps each row's mean and rstd for backward (llm.c's layernorm).
// Backward, with xhat = (x - mean) * rstd and g = dy * gamma:
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),
//   dgamma = sum over rows of dy * xhat,   dbeta = sum over rows of dy.
// The shape rule (core/shape_rule.hpp says how its message reaches the first error line).
template <class X, class Gamma, class Beta>
constexpr auto layer_norm_rule() {
  if constexpr (X::rank != 1 && X::rank != 2)
    return broken<"layer_norm: the input must be a vector [features] or a matrix [tokens, features], not {}", X>;
  else if constexpr (!std::is_same_v<Gamma, Shape<X::dims[X::rank - 1]>>)
    return broken<"layer_norm: gamma must be a vector [features] as long as the input rows: gamma {}, input {}",
                  Gamma, X>;
  else if constexpr (!std::is_same_v<Beta, Shape<X::dims[X::rank - 1]>>)
    return broken<"layer_norm: beta must be a vector [features] as long as the input rows: beta {}, input {}", Beta,
                  X>;
  else
    return holds;
}

template <class X, class Gamma, class Beta>
struct LayerNorm : OpBase {
  using shape = typename X::shape;
  using gamma_shape = typename Gamma::shape;
  using beta_shape = typename Beta::shape;
  static_assert(checked<layer_norm_rule<shape, gamma_shape, beta_shape>()>);
  static constexpr std::size_t rows = shape::rank == 2 ? shape::dims[0] : 1;
  static constexpr std::size_t features = shape::dims[shape::rank - 1];
  using arguments = std::tuple<X, Gamma, Beta>;
  using scratch = Tensor<Shape<rows, 2>>;  // per row: mean, rstd
  static constexpr std::string_view op_name = "layer_norm";
  static constexpr float epsilon = 1e-5f;  // torch.nn.LayerNorm's default
  static constexpr float inverse_features = 1.f / static_cast<float>(features);
  // One multiply-add per element (xhat * gamma + beta), meeting one gamma and one beta.
  static constexpr std::size_t macs = shape::size;
  static constexpr std::size_t connections = 2 * shape::size;
  arguments args;
  bool operator==(const LayerNorm&) const = default;

  // ONNX (io/onnx.hpp): LayerNormalization (opset 17) over the last axis, same epsilon.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& x, const Value& gamma, const Value& beta) const {
    return onnx.node("LayerNormalization", {x, gamma, beta}, {{"axis", std::int64_t{-1}}, {"epsilon", epsilon}});
  }

  template <class K>
  void forward(const Tensor<shape>& x, const Tensor<gamma_shape>& gamma, const Tensor<beta_shape>& beta,
               Tensor<shape>& y, scratch& statistics) const {
    for (std::size_t row = 0; row < rows; ++row) {
      const float* in = x.data() + row * features;
      float* out = y.data() + row * features;
      float sum = 0;
      for (std::size_t i = 0; i < features; ++i) sum += in[i];
      const float mean = sum * inverse_features;
      float squares = 0;
      for (std::size_t i = 0; i < features; ++i) squares += (in[i] - mean) * (in[i] - mean);
      const float rstd = 1.f / std::sqrt(squares * inverse_features + epsilon);
      for (std::size_t i = 0; i < features; ++i) out[i] = (in[i] - mean) * rstd * gamma[i] + beta[i];
      statistics[2 * row] = mean;
      statistics[2 * row + 1] = rstd;
    }
  }
  template <class K, class DX, class DGamma, class DBeta>
  void backward(const Tensor<shape>& x, const Tensor<gamma_shape>& gamma, const Tensor<beta_shape>&,
                const Tensor<shape>&, const Tensor<shape>& dy, DX dx, DGamma dgamma, DBeta dbeta,
                scratch& statistics) const {
    for (std::size_t row = 0; row < rows; ++row) {
      const float* in = x.data() + row * features;
      const float* grad_out = dy.data() + row * features;
      const float mean = statistics[2 * row], rstd = statistics[2 * row + 1];
      float mean_g = 0, mean_g_xhat = 0;
      for (std::size_t i = 0; i < features; ++i) {
        const float xhat = (in[i] - mean) * rstd;
        const float g = grad_out[i] * gamma[i];
        mean_g += g;
        mean_g_xhat += g * xhat;
        if constexpr (wants_grad<DGamma>) dgamma.data()[i] += grad_out[i] * xhat;
        if constexpr (wants_grad<DBeta>) dbeta.data()[i] += grad_out[i];
      }
      mean_g *= inverse_features;
      mean_g_xhat *= inverse_features;
      if constexpr (wants_grad<DX>) {
        float* grad_in = dx.data() + row * features;
        for (std::size_t i = 0; i < features; ++i) {
          const float xhat = (in[i] - mean) * rstd;
          grad_in[i] += rstd * (grad_out[i] * gamma[i] - mean_g - xhat * mean_g_xhat);
        }
      }
    }
  }
};

struct layer_norm_spec : makes<LayerNorm> {  // layer_norm(x, gamma, beta) (core/shape_rule.hpp, checked_factory)
  template <operand X, operand Gamma, operand Beta>
  static constexpr auto rule() { return layer_norm_rule<shape_of<X>, shape_of<Gamma>, shape_of<Beta>>(); }
};
inline constexpr checked_factory<layer_norm_spec> layer_norm{};

}  // namespace ctgrad
