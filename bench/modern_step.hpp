#pragma once
// The modern recipe's per-example training step (forward with dropout,
// backward, AdamW) of one model on one kernel path, for the benchmarks of
// the two models docs/results.md compares (one translation unit each).
#include <array>
#include <cstdint>
#include <memory>
#include <random>

#include <benchmark/benchmark.h>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/model.hpp>

#include "bench/kernel_sets.hpp"

namespace ctgrad::bench {

template <class Model, class K, class Initialize>
void modern_step(benchmark::State& state, Initialize initialize, float dropout) {
  using Params = typename Model::params_type;
  auto params = std::make_unique<Params>();
  initialize(*params);
  std::mt19937 noise(2);
  ctgrad::DropoutControl control{&noise, true};
  auto loss = Model::loss(*params, control, dropout);
  auto graph = std::make_unique<ctgrad::Graph<decltype(loss), K>>(loss);
  auto optimizer = std::make_unique<ctgrad::AdamW<Params>>();
  std::array<float, 256> image;
  for (float& v : image) v = ctgrad::uniform01(noise) * 2.f - 1.f;
  std::uint8_t label = 0;
  for (auto _ : state) {
    ctgrad::train::load_example<Model>(*graph, 0, image, label);
    graph->forward();
    graph->backward();
    optimizer->template step<K>(*params, 1e-6f);
    label = static_cast<std::uint8_t>((label + 1) % 10);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace ctgrad::bench
