// The modern recipe's training throughput (dropout, shifts, AdamW) of LeNet-1
// and the micro-ViT, per-example and in minibatches of 16 on 1 and 2 threads,
// SIMD path: ctgrad_bench --benchmark_filter='modern_train'
#include "bench/train_bench.hpp"
#include "lenet1/train.hpp"
#include "micro_vit/model.hpp"

namespace {

using ctgrad::bench::Optimizer;
using ctgrad::kernels::Simd;

void lenet1_modern(benchmark::State& state, std::size_t batch, unsigned threads) {
  ctgrad::bench::train_step<lenet1::Model<lenet1::Modern>, Simd, Optimizer::adamw>(
      state, batch, threads, [](lenet1::Params& p) { lenet1::initialize(p, 1, 0.f); }, 0.25f, true);
}
void micro_vit_modern(benchmark::State& state, std::size_t batch, unsigned threads) {
  ctgrad::bench::train_step<micro_vit::Model, Simd, Optimizer::adamw>(
      state, batch, threads, [](micro_vit::Params& p) { micro_vit::initialize(p, 1); }, 0.1f, true);
}

const bool registered = [] {
  ctgrad::bench::register_train("modern_train/lenet1", "simd", lenet1_modern, {1, 16}, {1, 2});
  ctgrad::bench::register_train("modern_train/micro_vit", "simd", micro_vit_modern, {1, 16}, {1, 2});
  return true;
}();

}  // namespace
