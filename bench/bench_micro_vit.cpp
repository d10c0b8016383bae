// The micro-ViT's per-example training step (forward, backward, AdamW), both
// kernel paths: ctgrad_bench --benchmark_filter=micro_vit_step
#include <benchmark/benchmark.h>

#include <ctgrad/train/trainer.hpp>

#include "micro_vit/model.hpp"

namespace {

template <class K>
void micro_vit_step(benchmark::State& state) {
  auto params = std::make_unique<micro_vit::Params>();
  micro_vit::initialize(*params, 1);
  std::mt19937 noise(2);
  ctgrad::DropoutControl control{&noise, true};
  auto loss = micro_vit::Model::loss(*params, control, 0.1f);
  auto graph = std::make_unique<ctgrad::Graph<decltype(loss), K>>(loss);
  auto optimizer = std::make_unique<ctgrad::AdamW<micro_vit::Params>>();
  std::array<float, 256> image;
  for (float& v : image) v = ctgrad::uniform01(noise) * 2.f - 1.f;
  std::uint8_t label = 0;
  for (auto _ : state) {
    ctgrad::training::load_example<micro_vit::Model>(*graph, image, label);
    graph->forward();
    graph->backward();
    optimizer->template step<K>(*params, 1e-6f);
    label = static_cast<std::uint8_t>((label + 1) % 10);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(micro_vit_step<ctgrad::kernels::Scalar>)->Name("micro_vit_step/scalar");
BENCHMARK(micro_vit_step<ctgrad::kernels::Simd>)->Name("micro_vit_step/simd");

}  // namespace
