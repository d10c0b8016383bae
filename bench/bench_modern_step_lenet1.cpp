// LeNet-1's modern per-example step, on every kernel set:
// ctgrad_bench --benchmark_filter='modern_step/lenet1'
#include "bench/modern_step.hpp"
#include "lenet1/instances.hpp"

namespace {

void lenet1_modern_step(benchmark::State& state) {
  ctgrad::bench::modern_step<lenet1::Model<lenet1::Modern>, ctgrad::kernels::Selected>(
      state, [](lenet1::Params& p) { lenet1::initialize(p, 1, 0.f); }, 0.25f);
}
const auto registered = ctgrad::bench::register_on_sets("modern_step/lenet1", lenet1_modern_step);

}  // namespace
