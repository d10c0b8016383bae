// The modern recipe's per-example training step (forward with dropout,
// backward, AdamW) of the two models docs/results.md compares, both kernel
// paths: ctgrad_bench --benchmark_filter='modern_step'
#include <benchmark/benchmark.h>

#include <ctgrad/train/trainer.hpp>

#include "lenet1/train.hpp"
#include "micro_vit/model.hpp"

namespace {

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
    ctgrad::training::load_example<Model>(*graph, 0, image, label);
    graph->forward();
    graph->backward();
    optimizer->template step<K>(*params, 1e-6f);
    label = static_cast<std::uint8_t>((label + 1) % 10);
  }
  state.SetItemsProcessed(state.iterations());
}

template <class K>
void lenet1_modern_step(benchmark::State& state) {
  modern_step<lenet1::Model<lenet1::Modern>, K>(
      state, [](lenet1::Params& p) { lenet1::initialize(p, 1, 0.f); }, 0.25f);
}
template <class K>
void micro_vit_step(benchmark::State& state) {
  modern_step<micro_vit::Model, K>(
      state, [](micro_vit::Params& p) { micro_vit::initialize(p, 1); }, 0.1f);
}
BENCHMARK(lenet1_modern_step<ctgrad::kernels::Scalar>)->Name("modern_step/lenet1/scalar");
BENCHMARK(lenet1_modern_step<ctgrad::kernels::Simd>)->Name("modern_step/lenet1/simd");
BENCHMARK(micro_vit_step<ctgrad::kernels::Scalar>)->Name("modern_step/micro_vit/scalar");
BENCHMARK(micro_vit_step<ctgrad::kernels::Simd>)->Name("modern_step/micro_vit/simd");

}  // namespace
