// The micro-ViT's modern per-example step, on every kernel set:
// ctgrad_bench --benchmark_filter='modern_step/micro_vit'
#include "bench/modern_step.hpp"
#include "micro_vit/instances.hpp"

namespace {

void micro_vit_step(benchmark::State& state) {
  ctgrad::bench::modern_step<micro_vit::Model, ctgrad::kernels::Selected>(
      state, [](micro_vit::Params& p) { micro_vit::initialize(p, 1); }, 0.1f);
}
const auto registered = ctgrad::bench::register_on_sets("modern_step/micro_vit", micro_vit_step);

}  // namespace
