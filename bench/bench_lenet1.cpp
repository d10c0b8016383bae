// LeNet-1 benchmarks, each a family instantiated for the scalar and the SIMD
// kernel path so one run measures both:
//   ctgrad_bench --benchmark_filter=lenet1_step
#include <cstdio>
#include <string>

#include <benchmark/benchmark.h>
#include <boost/hana/for_each.hpp>

#include "bench/train_bench.hpp"
#include "lenet1/instances.hpp"

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
  load_example<Model<Classic>>(*graph, 0, bench_image(), 3);
  for (auto _ : state) {
    graph->forward();
    benchmark::DoNotOptimize(graph->loss());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(lenet1_forward<ctgrad::kernels::Scalar>)->Name("lenet1_forward/scalar");
BENCHMARK(lenet1_forward<ctgrad::kernels::Simd>)->Name("lenet1_forward/simd");

// The curvature pass alone, after a forward (SDLM runs it on a few hundred
// examples before each pass): compare with lenet1_forward and lenet1_step.
template <class K>
void lenet1_curvature(benchmark::State& state) {
  auto params = std::make_unique<Params>();
  initialize(*params, 1);
  auto loss = training_loss(*params);
  using G = Graph<decltype(loss), K>;
  auto graph = std::make_unique<G>(loss);
  auto pass = std::make_unique<ctgrad::CurvaturePass<G>>(*graph);
  load_example<Model<Classic>>(*graph, 0, bench_image(), 3);
  graph->forward();
  for (auto _ : state) {
    pass->run();
    benchmark::DoNotOptimize(params->H1w.curvature[0]);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(lenet1_curvature<ctgrad::kernels::Scalar>)->Name("lenet1_curvature/scalar");
BENCHMARK(lenet1_curvature<ctgrad::kernels::Simd>)->Name("lenet1_curvature/simd");

// Batched evaluation of 2,007 synthetic examples on 1 and 2 threads.
template <class K>
void lenet1_eval(benchmark::State& state) {
  auto params = std::make_unique<Params>();
  initialize(*params, 1);
  const Split split = ctgrad::bench::random_split(2007);
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(evaluate<Model<Classic>, K>(*params, split, threads).loss);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(split.count()));
}
BENCHMARK(lenet1_eval<ctgrad::kernels::Scalar>)->Name("lenet1_eval/scalar")->Arg(1)->Arg(2)->UseRealTime();
BENCHMARK(lenet1_eval<ctgrad::kernels::Simd>)->Name("lenet1_eval/simd")->Arg(1)->Arg(2)->UseRealTime();

// Every op node of the compiled LeNet-1 graph, forward and backward alone,
// on the values of a real step: "lenet1_layer/03_conv2d[12,8,8]/backward/simd".
// Generated from Graph::nodes, so it follows the model without a list here.
template <class K>
void register_layer_benchmarks() {
  using G = TrainingGraph<K>;
  std::size_t index = 0;
  boost::hana::for_each(G::nodes, [&](auto type) {
    using N = typename decltype(type)::type;
    const std::size_t node = index++;
    if constexpr (!ctgrad::is_leaf<N>) {
      char prefix[64];
      std::snprintf(prefix, sizeof prefix, "lenet1_layer/%02zu_", node);
      const std::string name = prefix + std::string(N::op_name) + N::shape::str();
      auto run = [](benchmark::State& state, bool backward) {
        auto params = std::make_unique<Params>();
        initialize(*params, 1);
        auto loss = training_loss(*params);
        auto graph = std::make_unique<G>(loss);
        load_example<Model<Classic>>(*graph, 0, bench_image(), 3);
        graph->forward();
        graph->backward();
        for (auto _ : state) {
          if (backward) {
            if constexpr (ctgrad::requires_grad<N>()) graph->template backward_node<N>();
          } else {
            graph->template forward_node<N>();
          }
          benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(state.iterations());
      };
      benchmark::RegisterBenchmark((name + "/forward/" + K::name).c_str(), run, false);
      if constexpr (ctgrad::requires_grad<N>())
        benchmark::RegisterBenchmark((name + "/backward/" + K::name).c_str(), run, true);
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  register_layer_benchmarks<ctgrad::kernels::Scalar>();
  register_layer_benchmarks<ctgrad::kernels::Simd>();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // Under mpirun every rank runs the benchmarks and exchanges gradients in
  // each step: only the fixed-step lenet1_distributed ones keep the ranks
  // in step (bench_train_lenet1.cpp), and rank 0 alone reports.
  ctgrad::training::Processes& processes = ctgrad::training::Processes::world();
  if (processes.distributed()) {
    const std::string filter = benchmark::GetBenchmarkFilter();
    if (filter.find("lenet1_distributed") == std::string::npos) {
      if (processes.writer())
        std::fprintf(stderr, "under mpirun, give --benchmark_filter=lenet1_distributed (fixed steps on every rank)\n");
      processes.finish(2);
      return 2;
    }
    if (!processes.writer() && std::freopen("/dev/null", "w", stdout) == nullptr) return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  processes.finish(0);
}
