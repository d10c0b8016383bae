#pragma once
// The benchmarks run one compiled graph on every kernel set this CPU runs
// (kernels::Selected), side by side in one run: a benchmark registered here
// is named <name>/<set> (scalar, sse2, avx2, avx512) and selects its set
// while it runs.
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <ctgrad/kernels/kernels.hpp>

namespace ctgrad::bench {

// The sets to measure: every one this CPU runs, or only the SIMD ones.
enum class Sets { all, simd };

inline std::vector<const kernels::KernelTable*> sets_to_measure(Sets which) {
  auto sets = kernels::kernel_sets_here();  // the scalar set first
  if (which == Sets::simd) sets.erase(sets.begin());
  return sets;
}

// `run(state)` as <name>/<set> for each set; the registered benchmarks, to
// configure (->Arg(2), ->UseRealTime(), ...).
template <class Run>
std::vector<benchmark::internal::Benchmark*> register_on_sets(const std::string& name, Run run,
                                                              Sets which = Sets::all) {
  std::vector<benchmark::internal::Benchmark*> registered;
  for (const kernels::KernelTable* set : sets_to_measure(which))
    registered.push_back(benchmark::RegisterBenchmark((name + "/" + set->name).c_str(), [=](benchmark::State& state) {
      kernels::select_kernels(*set);
      run(state);
      kernels::select_kernels(kernels::best_kernels());
    }));
  return registered;
}

}  // namespace ctgrad::bench
