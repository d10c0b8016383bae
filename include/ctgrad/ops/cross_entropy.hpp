#pragma once
#include <algorithm>
#include <cmath>
#include <concepts>

#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// Cross-entropy of a logits vector z [N] against a target distribution t [N]:
//   loss = -sum_i t_i * log_softmax(z)_i,   log_softmax(z)_i = z_i - logsumexp(z),
// a scalar. t holds probabilities summing to 1; for a class label that is the
// one-hot vector with 1 at the class (torch.nn.functional.cross_entropy with a
// class index, as the lecun1989-repro modern.py uses). The target is usually
// an Input leaf, target<Shape<N>>(), that the trainer writes per example.
// logsumexp subtracts max(z) first, so large logits do not overflow.
//
// Label smoothing eps (Szegedy et al. 2016, "Rethinking the Inception
// Architecture", section 7; torch's cross_entropy(label_smoothing=eps))
// trains against t' = (1 - eps) t + eps * m / N with m = sum_j t_j: a one-hot
// label keeps 1 - eps + eps/N on its class and eps/N on each other. eps = 0
// is plain cross-entropy.
//
// Gradients: dz_i = (softmax(z)_i * sum_j t'_j - t'_i) * dloss, which is
// (softmax(z) - t') * dloss for a target summing to 1 (sum t' = sum t = m);
// the general form keeps the gradient exact for any t. Since dt'_j/dt_i =
// (1 - eps) [i = j] + eps/N, dt_i = -((1 - eps) log_softmax(z)_i +
// eps/N sum_j log_softmax(z)_j) * dloss, only when the target wants a gradient.
// The shape rule (core/shape_rule.hpp), on the nodes: the label must also be a target.
template <class Z, class T>
constexpr auto cross_entropy_rule() {
  if constexpr (!std::is_same_v<typename Z::shape, typename T::shape>)
    return broken<"cross_entropy: logits and target shapes differ: {} vs {}", typename Z::shape, typename T::shape>;
  else if constexpr (Z::shape::rank != 1)
    return broken<"cross_entropy: the logits must be a vector [classes], not {}", typename Z::shape>;
  else
    return label_rule<"cross_entropy", Z, T>();
}

template <class Z, class T>
struct CrossEntropyLoss : OpBase {
  using in_shape = typename Z::shape;
  static_assert(checked<cross_entropy_rule<Z, T>()>);
  using shape = Shape<>;
  using arguments = std::tuple<Z, T>;
  using scratch = Tensor<in_shape>;  // log_softmax(z), kept for backward
  static constexpr std::string_view op_name = "cross_entropy";
  static constexpr float classes = static_cast<float>(in_shape::size);
  arguments args;
  float smoothing = 0;  // eps above, in [0, 1)
  bool operator==(const CrossEntropyLoss&) const = default;

  // The smoothed target t'_i, given m = sum_j t_j.
  float smoothed(float t_i, float target_mass) const {
    return (1.f - smoothing) * t_i + smoothing * target_mass / classes;
  }
  static float mass(const Tensor<in_shape>& t) {
    float sum = 0;
    for (std::size_t i = 0; i < in_shape::size; ++i) sum += t[i];
    return sum;
  }

  template <class K>
  void forward(const Tensor<in_shape>& z, const Tensor<in_shape>& t, Tensor<shape>& loss,
               scratch& log_probabilities) const {
    float largest = z[0];
    for (std::size_t i = 1; i < in_shape::size; ++i) largest = std::max(largest, z[i]);
    float sum = 0;
    for (std::size_t i = 0; i < in_shape::size; ++i) sum += std::exp(z[i] - largest);
    const float log_sum_exp = largest + std::log(sum);
    const float target_mass = mass(t);
    float total = 0;
    for (std::size_t i = 0; i < in_shape::size; ++i) {
      log_probabilities[i] = z[i] - log_sum_exp;
      total -= smoothed(t[i], target_mass) * log_probabilities[i];
    }
    loss[0] = total;
  }
  template <class K, class DZ, class DT>
  void backward(const Tensor<in_shape>&, const Tensor<in_shape>& t, const Tensor<shape>&, const Tensor<shape>& dloss,
                DZ dz, DT dt, scratch& log_probabilities) const {
    if constexpr (wants_grad<DZ>) {
      const float target_mass = mass(t);
      for (std::size_t i = 0; i < in_shape::size; ++i)
        dz.data()[i] += (std::exp(log_probabilities[i]) * target_mass - smoothed(t[i], target_mass)) * dloss[0];
    }
    if constexpr (wants_grad<DT>) {
      float log_probability_sum = 0;
      for (std::size_t i = 0; i < in_shape::size; ++i) log_probability_sum += log_probabilities[i];
      for (std::size_t i = 0; i < in_shape::size; ++i)
        dt.data()[i] -=
            ((1.f - smoothing) * log_probabilities[i] + smoothing / classes * log_probability_sum) * dloss[0];
    }
  }
  // The Gauss-Newton matrix of softmax cross-entropy in the logits is
  // (sum t) (diag(p) - p p^T); its diagonal is (sum t) p (1 - p). The label
  // gets no curvature (it is not a weighted sum of parameters).
  static constexpr bool has_curvature_rule = true;
  template <class K, class CZ, class CT>
  void curvature(const Tensor<in_shape>&, const Tensor<in_shape>& t, const Tensor<shape>&, const Tensor<shape>& closs,
                 CZ cz, CT, scratch& log_probabilities, NoScratch&) const {
    if constexpr (wants_grad<CZ>) {  // sum t' = sum t: smoothing leaves it as it is
      const float target_mass = mass(t);
      for (std::size_t i = 0; i < in_shape::size; ++i) {
        const float p = std::exp(log_probabilities[i]);
        cz.data()[i] += p * (1.f - p) * target_mass * closs[0];
      }
    }
  }
};

// cross_entropy(logits, target) or cross_entropy(logits, target,
// label_smoothing), eps above (0: none) (core/shape_rule.hpp, checked_factory).
struct cross_entropy_spec {
  template <operand Z, operand T, std::convertible_to<float>... LabelSmoothing>
    requires(sizeof...(LabelSmoothing) <= 1)
  static constexpr auto rule() { return cross_entropy_rule<expr_t<Z>, expr_t<T>>(); }
  template <class Z, class T>
  static constexpr auto make(Z&& logits, T&& target, float label_smoothing = 0.f) {
    return CrossEntropyLoss<expr_t<Z>, expr_t<T>>{{}, {as_expr(logits), as_expr(target)}, label_smoothing};
  }
};
inline constexpr checked_factory<cross_entropy_spec> cross_entropy{};

}  // namespace ctgrad
