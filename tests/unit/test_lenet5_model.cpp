// LeNet-5 (lenet5/model.hpp) read off its compiled graph: the paper's
// counts where the architecture is the paper's, and a forward and backward
// pass on both variants that reaches every parameter.
//
// LeCun et al. 1998 give 60,000 trainable parameters and 340,908
// connections. Ours has the same layers up to F6 (60,000 parameters,
// 340,068 connections) and a trained linear output layer of 84 x 10 + 10 =
// 850 parameters and connections instead of the paper's 10 RBF units on
// fixed codes (840 connections, no trainable parameters): 60,850 and
// 340,918.
#include <cmath>
#include <memory>
#include <random>

#include <catch2/catch.hpp>

#include "lenet5/model.hpp"
#include "tests/support/gradcheck.hpp"

using namespace lenet5;

TEST_CASE("LeNet-5's summary: the paper's parameters and connections up to F6", "[lenet5]") {
  using G = Graph<decltype(training_loss<Paper>(std::declval<Params&>())), kernels::Simd>;
  static_assert(parameter_count<Params>() == 60'000 + 84 * 10 + 10);
  constexpr GraphTotals totals = graph_totals<G>();
  constexpr std::size_t output_layer = 84 * 10 + 10;
  CHECK(totals.parameters == 60'000 + output_layer);
  CHECK(totals.connections == 340'908 - 840 + output_layer);
  // Max pooling has no coefficient: 22 parameters fewer, and the inputs of
  // S2 and S4 meet no weight (5,880 + 2,000 connections, less their biases).
  using M = Graph<decltype(training_loss<Modern>(std::declval<ModernParams&>())), kernels::Simd>;
  constexpr GraphTotals modern = graph_totals<M>();
  CHECK(modern.parameters == totals.parameters - 22);
  CHECK(modern.connections == totals.connections - (6 * 28 * 28 + 16 * 10 * 10));
}

TEMPLATE_TEST_CASE("LeNet-5 trains: every parameter gets a gradient, the loss falls", "[lenet5]", Paper, Modern) {
  auto params = std::make_unique<params_of<TestType>>();
  std::mt19937 rng(5);
  ctgrad::testing::randomize_parameters(*params, rng, 0.1f);
  auto loss = training_loss<TestType>(*params);
  auto graph = std::make_unique<Graph<decltype(loss), kernels::Simd>>(loss);
  ctgrad::testing::randomize(graph->template input<"x">(), rng);
  auto& target = graph->template input<"target">();
  target.fill(TestType::modern ? 0.f : -1.f);
  target[3] = 1.f;
  graph->forward();
  const float before = graph->loss();
  REQUIRE(std::isfinite(before));
  graph->backward();
  for (const ParameterRef& parameter : parameter_refs(*params)) {
    double norm = 0;
    for (float g : parameter.grad) norm += double(g) * g;
    INFO(parameter.name);
    CHECK(norm > 0);
  }
  sgd_step<kernels::Simd>(*params, 0.01f);
  graph->forward();
  CHECK(graph->loss() < before);
}
