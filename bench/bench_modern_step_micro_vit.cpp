// The micro-ViT's modern per-example step, both kernel paths:
// ctgrad_bench --benchmark_filter='modern_step/micro_vit'
#include "bench/modern_step.hpp"
#include "micro_vit/instances.hpp"

namespace {

template <class K>
void micro_vit_step(benchmark::State& state) {
  ctgrad::bench::modern_step<micro_vit::Model, K>(
      state, [](micro_vit::Params& p) { micro_vit::initialize(p, 1); }, 0.1f);
}
BENCHMARK(micro_vit_step<ctgrad::kernels::Scalar>)->Name("modern_step/micro_vit/scalar");
BENCHMARK(micro_vit_step<ctgrad::kernels::Simd>)->Name("modern_step/micro_vit/simd");

}  // namespace
