// The micro-ViT's modern-recipe training throughput (dropout, shifts,
// AdamW), per-example and in minibatches of 16 on 1 and 2 threads, SIMD sets:
// ctgrad_bench --benchmark_filter='modern_train/micro_vit'
#include "bench/train_bench.hpp"
#include "micro_vit/instances.hpp"

namespace {

void micro_vit_modern(benchmark::State& state, std::size_t batch, unsigned threads) {
  ctgrad::bench::train_step<micro_vit::Model, ctgrad::kernels::Selected, ctgrad::bench::Optimizer::adamw>(
      state, batch, threads, [](micro_vit::Params& p) { micro_vit::initialize(p, 1); }, 0.1f, true);
}

const bool registered = [] {
  ctgrad::bench::register_train("modern_train/micro_vit", micro_vit_modern, {1, 16}, {1, 2}, ctgrad::bench::Sets::simd);
  return true;
}();

}  // namespace
