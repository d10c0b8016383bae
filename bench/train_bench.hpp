#pragma once
// One training step of a batch (forward, backward, optimizer update), as the
// trainer runs it: batch 1 is the per-example step in one graph, larger
// batches go through DataParallelStep on a pool of `threads` threads.
// items_per_second is examples per second. Registered as
//   <family>/batch:B/threads:T/<kernel path>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <ctgrad/train/trainer.hpp>

#include "bench/kernel_sets.hpp"

namespace ctgrad::bench {

// `count` random images of `shape` in [-1, 1] with labels 0..9 (seed 9): a
// Split shaped like a model's data (the digits' {1, 16, 16} by default).
inline train::Split random_split(std::size_t count, std::vector<std::size_t> shape = {1, 16, 16}) {
  train::Split s;
  s.example_shape = std::move(shape);
  std::mt19937 rng(9);
  s.images.resize(count * s.example_size());
  s.labels.resize(count);
  for (float& v : s.images) v = uniform01(rng) * 2.f - 1.f;
  for (auto& label : s.labels) label = static_cast<std::uint32_t>(rng() % 10);
  return s;
}
// 512 such images of the Model's input shape.
template <class Model>
const train::Split& synthetic_split() {
  static const train::Split split = [] {
    constexpr auto dims = Model::image_shape::dims;
    return random_split(512, std::vector<std::size_t>(dims.begin(), dims.end()));
  }();
  return split;
}

enum class Optimizer { sgd, adamw };

template <class Model, class K, Optimizer O, class Initialize>
void train_step(benchmark::State& state, std::size_t batch, unsigned threads, Initialize initialize, float dropout,
                bool augment) {
  using Params = typename Model::params_type;
  const train::Split& split = synthetic_split<Model>();
  auto params = std::make_unique<Params>();
  initialize(*params);
  auto adamw = std::make_unique<AdamW<Params>>();
  std::mt19937 noise(2);
  DropoutControl control{&noise, true};
  auto expression = Model::loss(*params, control, dropout);
  auto graph = std::make_unique<Graph<decltype(expression), K>>(expression);
  train::ThreadPool pool(threads);
  train::DataParallelStep<Model, K> parallel(batch, dropout, pool);
  std::vector<std::size_t> order(split.count());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::size_t next = 0;
  for (auto _ : state) {
    if (next + batch > order.size()) next = 0;
    if (batch == 1) {
      const auto image = train::example<Model>(split, next);
      train::load_example<Model>(*graph, 0, image, split.labels[next]);
      if (augment) data::random_shift<typename Model::image_shape>(image, graph->template input<"x">().span(), noise);
      graph->forward();
      graph->backward();
    } else {
      const int max_shift = augment ? 1 : 0;
      benchmark::DoNotOptimize(
          parallel.run(*params, split, std::span<const std::size_t>(order).subspan(next, batch), max_shift, noise));
    }
    if constexpr (O == Optimizer::adamw)
      adamw->template step<K>(*params, 1e-6f);
    else
      sgd_step<K>(*params, 1e-6f);
    next += batch;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
}

// family/batch:B/threads:T/<set> for every B and T given, on each kernel
// set (kernel_sets.hpp); run(state, batch, threads) trains on kernels::Selected.
template <class Run>
void register_train(const std::string& family, Run run, std::initializer_list<int> batches,
                    std::initializer_list<int> threads, Sets sets = Sets::all) {
  for (int b : batches)
    for (int t : threads) {
      const auto registered = register_on_sets(
          family + "/batch:" + std::to_string(b) + "/threads:" + std::to_string(t),
          [=](benchmark::State& state) { run(state, static_cast<std::size_t>(b), static_cast<unsigned>(t)); }, sets);
      for (auto* benchmark : registered) benchmark->UseRealTime();
    }
}

}  // namespace ctgrad::bench
