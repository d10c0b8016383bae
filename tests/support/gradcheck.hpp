#pragma once
// Central-difference gradient check of a compiled graph with respect to every
// element of every parameter in a reflected parameter struct.
#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include <ctgrad/ctgrad.hpp>

namespace ctgrad::testing {

template <class Params>
void randomize_parameters(Params& params, std::mt19937& rng, float scale = 1.f) {
  for (const ParameterRef& parameter : parameter_refs(params)) {
    for (float& v : parameter.value) v = (uniform01(rng) * 2.f - 1.f) * scale;
    std::fill(parameter.grad.begin(), parameter.grad.end(), 0.f);
  }
}

template <class S>
void randomize(Tensor<S>& tensor, std::mt19937& rng, float scale = 1.f) {
  for (float& v : tensor) v = (uniform01(rng) * 2.f - 1.f) * scale;
}

// Every parameter's gradient, in declaration order, as one vector.
template <class Params>
std::vector<float> all_gradients(Params& params) {
  std::vector<float> all;
  for (const ParameterRef& p : parameter_refs(params)) all.insert(all.end(), p.grad.begin(), p.grad.end());
  return all;
}

// Float loss, step 1e-3: truncation error ~1e-6, rounding ~1e-4 of the loss
// scale, hence |numeric - analytic| <= 2e-3 + 2e-2 |analytic|.
template <class G, class Params>
void check_gradients(G& graph, Params& params, float step = 1e-3f) {
  zero_grad(params);
  graph.forward();
  graph.backward();
  // Over the parameters' run-time views: the checks below are compiled once
  // per graph, not once per parameter.
  for (const ParameterRef& parameter : parameter_refs(params)) {
    for (std::size_t i = 0; i < parameter.value.size(); ++i) {
      const float saved = parameter.value[i];
      parameter.value[i] = saved + step;
      graph.forward();
      const double up = graph.loss();
      parameter.value[i] = saved - step;
      graph.forward();
      const double down = graph.loss();
      parameter.value[i] = saved;
      const double numeric = (up - down) / (2.0 * step);
      const double analytic = parameter.grad[i];
      INFO(std::string(parameter.name) << "[" << i << "] numeric " << numeric << " analytic " << analytic);
      REQUIRE(std::abs(numeric - analytic) <= 2e-3 + 2e-2 * std::abs(analytic));
    }
  }
}

// The check of one loss on kernel path K: random parameters, a random target,
// then check_gradients.
template <class K, class Params, class Loss>
void check_loss(Params& params, const Loss& loss, std::uint32_t seed, float scale = 1.f) {
  std::mt19937 rng(seed);
  randomize_parameters(params, rng, scale);
  auto graph = std::make_unique<Graph<Loss, K>>(loss);
  randomize(target(*graph), rng);
  check_gradients(*graph, params);
}

}  // namespace ctgrad::testing
