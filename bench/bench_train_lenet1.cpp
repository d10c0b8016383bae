// LeNet-1 1989 training throughput, per-example and in minibatches on 1 and 2
// threads, on every kernel set: ctgrad_bench --benchmark_filter=lenet1_train
#include "bench/train_bench.hpp"
#include "lenet1/instances.hpp"

#include <string>

namespace {

void lenet1_train(benchmark::State& state, std::size_t batch, unsigned threads) {
  ctgrad::bench::train_step<lenet1::Model<lenet1::Classic>, ctgrad::kernels::Selected, ctgrad::bench::Optimizer::sgd>(
      state, batch, threads, [](lenet1::Params& p) { lenet1::initialize(p, 1); }, 0.f, false);
}

const bool registered = [] {
  ctgrad::bench::register_train("lenet1_train", lenet1_train, {1, 8, 32, 128}, {1, 2});
  // The same step on every process of an mpirun job (docs/scaling.md):
  //   ctgrad_bench --benchmark_filter=lenet1_distributed               one process
  //   mpirun -np 2 ctgrad_bench --benchmark_filter=lenet1_distributed  two
  // A fixed number of steps, so that every rank runs the same ones.
  for (const int batch : {32, 128})
    benchmark::RegisterBenchmark(("lenet1_distributed/batch:" + std::to_string(batch) + "/threads:1").c_str(),
                                 [=](benchmark::State& state) {
                                   lenet1_train(state, static_cast<std::size_t>(batch), 1);
                                 })
        ->UseRealTime()
        ->Iterations(batch == 32 ? 2000 : 500)
        ->Repetitions(5)
        ->ReportAggregatesOnly();
  return true;
}();

}  // namespace
