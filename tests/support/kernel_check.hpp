#pragma once
// What the kernel tests (tests/unit/test_kernels_*.cpp) share: random inputs,
// and the comparison of a SIMD kernel's output with the scalar path's.
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "ctgrad/kernels/table.hpp"
#include "ctgrad/nn/init.hpp"

namespace ctgrad::testing {

inline std::vector<float> random_vector(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> values(n);
  for (float& v : values) v = uniform01(rng) * 2.f - 1.f;
  return values;
}
// margin: the absolute error allowed near zero, where a sum of many terms
// rounded in another order can cancel to a small value.
inline void require_close(const std::vector<float>& expected, const std::vector<float>& actual,
                          float margin = 1e-6f) {
  REQUIRE(expected.size() == actual.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("element " << i);
    REQUIRE(actual[i] == Approx(expected[i]).epsilon(1e-5).margin(margin));
  }
}

// The kernel sets this CPU runs, the scalar one first; simd_sets_here:
// without it.
inline std::vector<const kernels::KernelTable*> sets_here() { return kernels::kernel_sets_here(); }
inline std::vector<const kernels::KernelTable*> simd_sets_here() {
  auto sets = kernels::kernel_sets_here();
  sets.erase(sets.begin());
  return sets;
}

// kernels::Selected runs `set` while this lives.
class SelectedSet {
 public:
  explicit SelectedSet(const kernels::KernelTable& set) : set_(set) { kernels::select_kernels(set); }
  ~SelectedSet() { kernels::select_kernels(kernels::best_kernels()); }
  SelectedSet(const SelectedSet&) = delete;
  SelectedSet& operator=(const SelectedSet&) = delete;
  const char* name() const { return set_.name; }

 private:
  const kernels::KernelTable& set_;
};

}  // namespace ctgrad::testing

// Runs the rest of a test case once for each SIMD kernel set this CPU runs,
// with kernels::Selected running it; a failure names the set.
#define CTGRAD_EACH_SIMD_SET()                                                               \
  const ::ctgrad::testing::SelectedSet ctgrad_selected_set(                                  \
      *GENERATE(from_range(::ctgrad::testing::simd_sets_here())));                            \
  INFO("kernel set " << ctgrad_selected_set.name())
