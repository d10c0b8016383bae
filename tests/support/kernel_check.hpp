#pragma once
// What the kernel tests (tests/unit/test_kernels_*.cpp) share: random inputs,
// and the comparison of a SIMD kernel's output with the scalar path's.
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

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

}  // namespace ctgrad::testing
