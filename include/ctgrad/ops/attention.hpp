#pragma once
#include <algorithm>
#include <cmath>

#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// The width of one attention head: a transformer of embedding width `Width`
// with `Heads` heads projects each token to Width / Heads features per head
// (per-head weights [Width, head_width<Width, Heads>()]).
template <std::size_t Width, std::size_t Heads>
constexpr auto heads_rule() {
  if constexpr (Heads < 1)
    return broken<"attention: there must be at least one head">;
  else if constexpr (Width % Heads != 0)
    return broken<"attention: the number of heads does not divide the embedding width: {} heads, width {}",
                  number<Heads>, number<Width>>;
  else
    return holds;
}
template <std::size_t Width, std::size_t Heads>
constexpr std::size_t head_width() {
  static_assert(checked<heads_rule<Width, Heads>()>);
  return Heads == 0 ? 0 : Width / Heads;
}

// The shape rule of attention(q, k, v) (core/shape_rule.hpp says how its
// message reaches the first error line).
template <class Q, class Kt, class V>
constexpr auto attention_rule() {
  if constexpr (Q::rank != 2 || Kt::rank != 2 || V::rank != 2)
    return broken<"attention: q, k and v must be matrices [tokens, features]: q {}, k {}, v {}", Q, Kt, V>;
  else if constexpr (Q::dims[1] != Kt::dims[1])
    return broken<"attention: q and k have different feature sizes: q {}, k {}", Q, Kt>;
  else if constexpr (Kt::dims[0] != V::dims[0])
    return broken<"attention: k and v have different token counts: k {}, v {}", Kt, V>;
  else
    return holds;
}

// One head of scaled dot-product attention (Vaswani et al. 2017), fused:
//   P = softmax over each row of (q k^T) / sqrt(d),   y = P v,
// q [T, d] (queries), k [S, d] (keys), v [S, dv] (values) -> y [T, dv].
// No mask: every query sees every key, as in a ViT encoder.
// Backward, with Z = q k^T / sqrt(d):
//   dP = dy v^T,  dv += P^T dy,
//   dZ = P * (dP - rowsum(dP * P))            (softmax's vector-Jacobian product)
//   dq += dZ k / sqrt(d),  dk += dZ^T q / sqrt(d).
template <class Q, class Kt, class V>
struct Attention : OpBase {
  using q_shape = typename Q::shape;
  using k_shape = typename Kt::shape;
  using v_shape = typename V::shape;
  static_assert(checked<attention_rule<q_shape, k_shape, v_shape>()>);
  static constexpr std::size_t queries = q_shape::dims[0];
  static constexpr std::size_t keys = k_shape::dims[0];
  static constexpr std::size_t key_width = q_shape::dims[1];
  static constexpr std::size_t value_width = v_shape::dims[1];
  using shape = Shape<queries, value_width>;
  using arguments = std::tuple<Q, Kt, V>;
  // [0]: the probabilities P, kept from forward; [1]: backward's dP, then dZ.
  using scratch = Tensor<Shape<2, queries, keys>>;
  static constexpr std::string_view op_name = "attention";
  static float score_scale() { return 1.f / std::sqrt(static_cast<float>(key_width)); }
  // q k^T and P v; no weights are met, so no connections in the paper's sense.
  static constexpr std::size_t macs = queries * keys * (key_width + value_width);
  arguments args;
  bool operator==(const Attention&) const = default;

  // ONNX (io/onnx.hpp): the same steps as nodes: P = Softmax(q k^T / sqrt(d)), y = P v.
  template <class Onnx, class Value>
  Value to_onnx(Onnx& onnx, const Value& q, const Value& k, const Value& v) const {
    using Axes = std::vector<std::int64_t>;
    const Axes perm = k.batched ? Axes{0, 2, 1} : Axes{1, 0};
    const Value k_transposed = onnx.node("Transpose", {k}, {{"perm", perm}});
    const Value scores = onnx.node("Mul", {onnx.node("MatMul", {q, k_transposed}), onnx.scalar(score_scale())});
    return onnx.node("MatMul", {onnx.node("Softmax", {scores}, {{"axis", std::int64_t{-1}}}), v});
  }

  template <class K>
  void forward(const Tensor<q_shape>& q, const Tensor<k_shape>& k, const Tensor<v_shape>& v, Tensor<shape>& y,
               scratch& buffers) const {
    float* probabilities = buffers.data();
    const float scale = score_scale();
    // matmul_backward_a accumulates dC B^T; with dC = q and B = k that is q k^T.
    std::fill(probabilities, probabilities + queries * keys, 0.f);
    K::template matmul_backward_a<queries, keys, key_width>(q.data(), k.data(), probabilities);
    for (std::size_t t = 0; t < queries; ++t) {
      float* row = probabilities + t * keys;
      // Subtracting the row's largest score keeps exp from overflowing.
      float largest = row[0];
      for (std::size_t s = 1; s < keys; ++s) largest = std::max(largest, row[s]);
      float sum = 0;
      for (std::size_t s = 0; s < keys; ++s) {
        row[s] = std::exp((row[s] - largest) * scale);
        sum += row[s];
      }
      const float inverse_sum = 1.f / sum;
      for (std::size_t s = 0; s < keys; ++s) row[s] *= inverse_sum;
    }
    K::template matmul<queries, keys, value_width>(probabilities, v.data(), y.data());
  }

  template <class K, class DQ, class DK, class DV>
  void backward(const Tensor<q_shape>& q, const Tensor<k_shape>& k, const Tensor<v_shape>& v, const Tensor<shape>&,
                const Tensor<shape>& dy, DQ dq, DK dk, DV dv, scratch& buffers) const {
    const float* probabilities = buffers.data();
    if constexpr (wants_grad<DV>)
      K::template matmul_backward_b<queries, keys, value_width>(probabilities, dy.data(), dv.data());
    if constexpr (wants_grad<DQ> || wants_grad<DK>) {
      const float scale = score_scale();
      float* scores_grad = buffers.data() + queries * keys;
      std::fill(scores_grad, scores_grad + queries * keys, 0.f);
      K::template matmul_backward_a<queries, keys, value_width>(dy.data(), v.data(), scores_grad);  // dP
      for (std::size_t t = 0; t < queries; ++t) {
        const float* p = probabilities + t * keys;
        float* row = scores_grad + t * keys;
        float weighted = 0;
        for (std::size_t s = 0; s < keys; ++s) weighted += row[s] * p[s];
        // The 1/sqrt(d) of the scores is folded in here, once.
        for (std::size_t s = 0; s < keys; ++s) row[s] = p[s] * (row[s] - weighted) * scale;
      }
      if constexpr (wants_grad<DQ>)  // dq += dZ k
        K::template matmul<queries, keys, key_width, true>(scores_grad, k.data(), dq.data());
      if constexpr (wants_grad<DK>)  // dk += dZ^T q
        K::template matmul_backward_b<queries, keys, key_width>(scores_grad, q.data(), dk.data());
    }
  }
};

struct attention_spec : makes<Attention> {  // attention(q, k, v) (core/shape_rule.hpp, checked_factory)
  template <operand Q, operand Kt, operand V>
  static constexpr auto rule() { return attention_rule<shape_of<Q>, shape_of<Kt>, shape_of<V>>(); }
};
inline constexpr checked_factory<attention_spec> attention{};

}  // namespace ctgrad
