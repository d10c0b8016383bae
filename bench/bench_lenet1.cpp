// LeNet-1 benchmarks, each run on every kernel set this CPU runs (one
// compiled graph, kernels::Selected; bench/kernel_sets.hpp), so one run
// measures them side by side:
//   ctgrad_bench --benchmark_filter=lenet1_step
#include <cstdio>
#include <string>

#include <benchmark/benchmark.h>
#include <boost/hana/for_each.hpp>

#include "bench/train_bench.hpp"
#include "lenet1/instances.hpp"

namespace {

using namespace lenet1;
using K = ctgrad::kernels::Selected;  // run on each set by register_on_sets

std::array<float, image_size> bench_image() {
  std::mt19937 rng(5);
  std::array<float, image_size> image;
  for (float& v : image) v = ctgrad::uniform01(rng) * 2.f - 1.f;
  return image;
}

// One per-example SGD step: forward, backward, update.
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
const auto step_registered = ctgrad::bench::register_on_sets("lenet1_step", lenet1_step);

// Forward only, the evaluation's inner loop.
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
const auto forward_registered = ctgrad::bench::register_on_sets("lenet1_forward", lenet1_forward);

// The curvature pass alone, after a forward (SDLM runs it on a few hundred
// examples before each pass): compare with lenet1_forward and lenet1_step.
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
const auto curvature_registered = ctgrad::bench::register_on_sets("lenet1_curvature", lenet1_curvature);

// Batched evaluation of 2,007 synthetic examples on 1 and 2 threads.
void lenet1_eval(benchmark::State& state) {
  auto params = std::make_unique<Params>();
  initialize(*params, 1);
  const Split split = ctgrad::bench::random_split(2007);
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(evaluate<Model<Classic>, K>(*params, split, threads).loss);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(split.count()));
}
const bool eval_registered = [] {
  for (auto* benchmark : ctgrad::bench::register_on_sets("lenet1_eval", lenet1_eval))
    benchmark->Arg(1)->Arg(2)->UseRealTime();
  return true;
}();

// Every op node of the compiled LeNet-1 graph, forward and backward alone,
// on the values of a real step: "lenet1_layer/03_conv2d[12,8,8]/backward/avx512".
// Generated from Graph::nodes, so it follows the model without a list here.
void register_layer_benchmarks() {
  using G = TrainingGraph<ctgrad::kernels::Selected>;
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
      ctgrad::bench::register_on_sets(name + "/forward", [=](benchmark::State& state) { run(state, false); });
      if constexpr (ctgrad::requires_grad<N>())
        ctgrad::bench::register_on_sets(name + "/backward", [=](benchmark::State& state) { run(state, true); });
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  register_layer_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // Under mpirun every rank runs the benchmarks and exchanges gradients in
  // each step: only the fixed-step lenet1_distributed ones keep the ranks
  // in step (bench_train_lenet1.cpp), and rank 0 alone reports.
  ctgrad::train::Processes& processes = ctgrad::train::Processes::world();
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
