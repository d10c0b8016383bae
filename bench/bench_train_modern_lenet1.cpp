// LeNet-1's modern-recipe training throughput (dropout, shifts, AdamW),
// per-example and in minibatches of 16 on 1 and 2 threads, SIMD sets:
// ctgrad_bench --benchmark_filter='modern_train/lenet1'
#include "bench/train_bench.hpp"
#include "lenet1/instances.hpp"

namespace {

void lenet1_modern(benchmark::State& state, std::size_t batch, unsigned threads) {
  ctgrad::bench::train_step<lenet1::Model<lenet1::Modern>, ctgrad::kernels::Selected, ctgrad::bench::Optimizer::adamw>(
      state, batch, threads, [](lenet1::Params& p) { lenet1::initialize(p, 1, 0.f); }, 0.25f, true);
}

const bool registered = [] {
  ctgrad::bench::register_train("modern_train/lenet1", lenet1_modern, {1, 16}, {1, 2}, ctgrad::bench::Sets::simd);
  return true;
}();

}  // namespace
