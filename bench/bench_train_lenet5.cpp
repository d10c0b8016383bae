// LeNet-5's training throughput on every kernel set:
//   lenet5_train/paper: the 1998 variant's per-example step (forward,
//     backward, an SGD update: the SDLM step's cost but for the curvature
//     pass, which runs on 500 examples per pass of 60,000);
//   lenet5_train/modern: the modern variant with AdamW, per example and in
//     minibatches of 64 (the modern recipe's) on 1 and 2 threads.
// ctgrad_bench --benchmark_filter='lenet5_train'
#include "bench/train_bench.hpp"
#include "lenet5/instances.hpp"

namespace {

using ctgrad::bench::Optimizer;

void paper(benchmark::State& state, std::size_t batch, unsigned threads) {
  ctgrad::bench::train_step<lenet5::Model<lenet5::Paper>, ctgrad::kernels::Selected, Optimizer::sgd>(
      state, batch, threads, [](lenet5::Params& p) { lenet5::initialize<lenet5::Paper>(p, 1); }, 0.f, false);
}
void modern(benchmark::State& state, std::size_t batch, unsigned threads) {
  ctgrad::bench::train_step<lenet5::Model<lenet5::Modern>, ctgrad::kernels::Selected, Optimizer::adamw>(
      state, batch, threads, [](lenet5::ModernParams& p) { lenet5::initialize<lenet5::Modern>(p, 1); }, 0.f, false);
}

const bool registered = [] {
  ctgrad::bench::register_train("lenet5_train/paper", paper, {1}, {1});
  ctgrad::bench::register_train("lenet5_train/modern", modern, {1, 64}, {1, 2});
  return true;
}();

}  // namespace
