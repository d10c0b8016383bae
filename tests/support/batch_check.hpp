#pragma once
// The batched gradient check (tests/unit/test_gradcheck_batch_*.cpp): an
// expression compiled with compile<K, Batch<3>>, each example's inputs
// random, checked two ways:
//  - central differences of the batch's loss (the mean over its examples)
//    agree with the parameter gradients (check_gradients' tolerances);
//  - the batch's loss and parameter gradients equal those of a one-example
//    graph run on each example in turn, averaged: an independent check that
//    batching routes every example's values and gradients where they belong.
#include <iomanip>
#include <vector>

#include "tests/support/gradcheck.hpp"

namespace ctgrad::testing {

constexpr std::size_t batch = 3;

// Every input of the graph (x, target), every example, uniform in [-1, 1].
template <class G>
void randomize_inputs(G& graph, std::mt19937& rng) {
  boost::hana::for_each(G::nodes, [&](auto type) {
    using N = typename decltype(type)::type;
    if constexpr (is_input<N>::value)
      for (auto& example : graph::Access::state<N>(graph).value) randomize(example, rng);
  });
}

// Copies example b's inputs of a batched graph into a one-example graph.
template <class Batched, class Single>
void copy_example(Batched& batched, Single& single, std::size_t b) {
  boost::hana::for_each(Batched::nodes, [&](auto type) {
    using N = typename decltype(type)::type;
    if constexpr (is_input<N>::value) graph::Access::state<N>(single).value[0] = graph::Access::state<N>(batched).value[b];
  });
}

// `reseed` runs before every forward (dropout: the same masks every time).
template <class K, class Params, class Expression, class Reseed>
void check_batch(Params& params, const Expression& loss, std::uint32_t seed, Reseed reseed) {
  std::mt19937 rng(seed);
  randomize_parameters(params, rng);
  // At least 1e-2 from 0 (ten central-difference steps): relu has no derivative there.
  for (const ParameterRef& p : parameter_refs(params))
    for (float& v : p.value)
      if (std::abs(v) < 1e-2f) v = v < 0.f ? -0.5f : 0.5f;
  auto batched = std::make_unique<Graph<Expression, K, batch>>(loss);
  randomize_inputs(*batched, rng);

  struct Reseeded {
    Graph<Expression, K, batch>& graph;
    Reseed reseed;
    void forward() {
      reseed();
      graph.forward();
    }
    void backward() { graph.backward(); }
    float loss() const { return graph.loss(); }
  } reseeded{*batched, reseed};
  check_gradients(reseeded, params);

  zero_grad(params);
  reseeded.forward();
  batched->backward();
  const std::vector<float> batch_gradients = all_gradients(params);
  const float batch_loss = batched->loss();

  // The same examples one at a time; dropout draws per example in order, as
  // the batched node does, so one reseed before the first example suffices.
  auto single = std::make_unique<Graph<Expression, K, 1>>(loss);
  zero_grad(params);
  reseed();
  double loss_sum = 0;
  for (std::size_t b = 0; b < batch; ++b) {
    copy_example(*batched, *single, b);
    single->forward();
    single->backward();
    loss_sum += single->loss();
    INFO("example " << b << ": alone " << std::setprecision(9) << single->loss() << ", in the batch "
                    << batched->loss(b));
    // The batched products sum in another order than one example's (register
    // tiles over the batch's rows against chained dot products): through a
    // whole transformer that is a few float roundings, about 1e-6 of the loss.
    CHECK(single->loss() == Approx(batched->loss(b)).epsilon(3e-6).margin(1e-7));
  }
  CHECK(batch_loss == Approx(loss_sum / batch).epsilon(1e-5).margin(1e-7));
  const std::vector<float> summed = all_gradients(params);
  REQUIRE(summed.size() == batch_gradients.size());
  for (std::size_t i = 0; i < summed.size(); ++i) {
    INFO("gradient element " << i);
    CHECK(batch_gradients[i] == Approx(summed[i] / batch).epsilon(1e-4).margin(1e-6));
  }
}
template <class K, class Params, class Expression>
void check_batch(Params& params, const Expression& loss, std::uint32_t seed) {
  check_batch<K>(params, loss, seed, [] {});
}

// An input named "x" of one example's shape S.
template <class S>
auto x() { return input<S, "x">(); }

}  // namespace ctgrad::testing
