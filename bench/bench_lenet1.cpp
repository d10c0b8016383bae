// LeNet-1 benchmarks, each a family instantiated for the scalar and the SIMD
// kernel path so one run measures both:
//   ctgrad_bench --benchmark_filter=lenet1_step
#include <benchmark/benchmark.h>

#include "lenet1/train.hpp"

namespace {

using namespace lenet1;

std::array<float, image_size> bench_image() {
  std::mt19937 rng(5);
  std::array<float, image_size> image;
  for (float& v : image) v = ctgrad::uniform01(rng) * 2.f - 1.f;
  return image;
}

// One per-example SGD step: forward, backward, update.
template <class K>
void lenet1_step(benchmark::State& state) {
  auto params = std::make_unique<Params>();
  initialize(*params, 1);
  auto loss = training_loss(*params);
  auto graph = std::make_unique<Graph<decltype(loss), K>>(loss);
  const auto image = bench_image();
  std::uint8_t label = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(train_step<K>(*graph, *params, image, label, 1e-6f));
    label = static_cast<std::uint8_t>((label + 1) % 10);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(lenet1_step<ctgrad::kernels::Scalar>)->Name("lenet1_step/scalar");
BENCHMARK(lenet1_step<ctgrad::kernels::Simd>)->Name("lenet1_step/simd");

// Forward only, the evaluation's inner loop.
template <class K>
void lenet1_forward(benchmark::State& state) {
  auto params = std::make_unique<Params>();
  initialize(*params, 1);
  auto loss = training_loss(*params);
  auto graph = std::make_unique<Graph<decltype(loss), K>>(loss);
  load_example(*graph, bench_image(), 3);
  for (auto _ : state) {
    graph->forward();
    benchmark::DoNotOptimize(graph->loss());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(lenet1_forward<ctgrad::kernels::Scalar>)->Name("lenet1_forward/scalar");
BENCHMARK(lenet1_forward<ctgrad::kernels::Simd>)->Name("lenet1_forward/simd");

// Batched evaluation of 2,007 synthetic examples on 1 and 2 threads.
template <class K>
void lenet1_eval(benchmark::State& state) {
  auto params = std::make_unique<Params>();
  initialize(*params, 1);
  Split split;
  std::mt19937 rng(9);
  split.images.resize(2007 * image_size);
  split.labels.resize(2007);
  for (float& v : split.images) v = ctgrad::uniform01(rng) * 2.f - 1.f;
  for (auto& label : split.labels) label = static_cast<std::uint8_t>(rng() % 10);
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(evaluate<K>(*params, split, threads).loss);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(split.count()));
}
BENCHMARK(lenet1_eval<ctgrad::kernels::Scalar>)->Name("lenet1_eval/scalar")->Arg(1)->Arg(2)->UseRealTime();
BENCHMARK(lenet1_eval<ctgrad::kernels::Simd>)->Name("lenet1_eval/simd")->Arg(1)->Arg(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
