// LeNet-1's modern per-example step, both kernel paths:
// ctgrad_bench --benchmark_filter='modern_step/lenet1'
#include "bench/modern_step.hpp"
#include "lenet1/instances.hpp"

namespace {

template <class K>
void lenet1_modern_step(benchmark::State& state) {
  ctgrad::bench::modern_step<lenet1::Model<lenet1::Modern>, K>(
      state, [](lenet1::Params& p) { lenet1::initialize(p, 1, 0.f); }, 0.25f);
}
BENCHMARK(lenet1_modern_step<ctgrad::kernels::Scalar>)->Name("modern_step/lenet1/scalar");
BENCHMARK(lenet1_modern_step<ctgrad::kernels::Simd>)->Name("modern_step/lenet1/simd");

}  // namespace
