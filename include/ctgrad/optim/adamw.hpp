#pragma once
// AdamW (Loshchilov & Hutter 2019) as torch.optim.AdamW computes it, over a
// reflected parameter struct. Per parameter element, at step t:
//   p -= lr * weight_decay * p                  (decoupled decay, first)
//   m  = beta1 m + (1 - beta1) g
//   v  = beta2 v + (1 - beta2) g^2
//   p -= lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t)
// The arithmetic follows PyTorch's single-tensor path operation by operation
// (scalars in double, tensors in float; the last line as
// p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)), so a
// step matches PyTorch's to float rounding. Gradients are zeroed afterwards,
// as sgd_step does. The lecun1989-repro modern.py uses the defaults.
//
// The moments are members, one AdamWMoments<P> per Parameter type P of the
// struct, derived from the Hana reflection: the optimizer is one fixed-size,
// trivially copyable object with no heap.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>

#include <boost/hana/accessors.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/unpack.hpp>

#include "ctgrad/kernels/kernels.hpp"
#include "ctgrad/nn/parameters.hpp"

namespace ctgrad {

// PyTorch's state names: exp_avg is m, exp_avg_sq is v.
template <class P>
struct AdamWMoments {
  static_assert(is_parameter<P>::value, "AdamW: every member of a parameter struct must be a ctgrad::Parameter");
  Tensor<typename P::shape> exp_avg;
  Tensor<typename P::shape> exp_avg_sq;
};

// One parameter's moments as run-time values (AdamW::moment_refs).
struct AdamWMomentRef {
  std::span<float> exp_avg;
  std::span<float> exp_avg_sq;
};

// The moments of every parameter, as bases: a plain aggregate (std::tuple is
// not trivially copyable), and moments_of(parameter) is a derived-to-base
// conversion. Parameter types are distinct (names are), so each base is unique.
template <class... Ps>
struct AdamWState : AdamWMoments<Ps>... {};

namespace detail {
// A function object rather than a lambda in decltype: Clang 14 crashes
// reading such a lambda back from a precompiled header.
template <class Params>
struct adamw_state_of {
  template <class... Pairs>
  constexpr auto operator()(Pairs... pairs) const {
    return std::type_identity<
        AdamWState<std::remove_cvref_t<decltype(boost::hana::second(pairs)(std::declval<Params&>()))>...>>{};
  }
};
template <class Params>
using adamw_state_t =
    typename decltype(boost::hana::unpack(boost::hana::accessors<Params>(), adamw_state_of<Params>{}))::type;
}  // namespace detail

// AdamW<Params> optimizer{.weight_decay = 0.f};  optimizer.step<K>(params, lr);
template <class Params>
struct AdamW {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;
  std::size_t steps = 0;  // steps taken: t of the bias corrections is steps after the increment
  detail::adamw_state_t<Params> moments{};

  template <class P>
  AdamWMoments<P>& moments_of(const P&) { return moments; }
  template <class P>
  const AdamWMoments<P>& moments_of(const P&) const { return moments; }

  // Every parameter's moments as run-time values, in declaration order, as
  // parameter_refs(params) gives the parameters (nn/parameters.hpp).
  std::array<AdamWMomentRef, parameter_tensor_count<Params>> moment_refs(const Params& params) {
    std::array<AdamWMomentRef, parameter_tensor_count<Params>> refs;
    std::size_t next = 0;
    for_each_parameter(params, [&](const auto& parameter) {
      auto& state = moments_of(parameter);
      refs[next++] = {state.exp_avg.span(), state.exp_avg_sq.span()};
    });
    return refs;
  }

  // The update runs on K's kernel path: it touches every parameter once per
  // example, so in per-example training it costs as much as a whole
  // backward pass unless vectorized.
  template <class K = kernels::Default>
  void step(Params& params, float learning_rate) {
    ++steps;
    const double t = static_cast<double>(steps);
    const double bias_correction1 = 1.0 - std::pow(beta1, t);
    const double bias_correction2 = 1.0 - std::pow(beta2, t);
    const kernels::AdamWConstants constants{
        .decay = static_cast<float>(1.0 - learning_rate * weight_decay),
        .one_minus_beta1 = static_cast<float>(1.0 - beta1),
        .beta2 = static_cast<float>(beta2),
        .one_minus_beta2 = static_cast<float>(1.0 - beta2),
        .step_size = static_cast<float>(learning_rate / bias_correction1),
        .bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2)),
        .eps = static_cast<float>(eps)};
    const auto parameters = parameter_refs(params);
    const auto states = moment_refs(params);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      const ParameterRef& parameter = parameters[i];
      K::adamw_update(parameter.value.size(), constants, parameter.value.data(), parameter.grad.data(),
                      states[i].exp_avg.data(), states[i].exp_avg_sq.data());
      std::fill(parameter.grad.begin(), parameter.grad.end(), 0.f);
    }
  }
};

}  // namespace ctgrad
