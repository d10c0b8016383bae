// The SIMD elementwise kernels against the scalar reference, directly, on
// lengths that exercise every path: shorter than a vector, exact multiples,
// and ragged tails handled by overlapping vectors.
#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/kernels/kernels.hpp>

#include "tests/support/kernel_check.hpp"

using ctgrad::kernels::Scalar;
using ctgrad::kernels::Simd;

using ctgrad::testing::random_vector;
using ctgrad::testing::require_close;

TEMPLATE_TEST_CASE_SIG("elementwise kernels match the scalar path", "[kernels]", ((std::size_t N), N), 1, 7, 16, 30,
                       33, 64, 100) {
  const auto a = random_vector(N, 1), b = random_vector(N, 2);
  SECTION("axpy") {
    auto scalar = b, simd = b;
    Scalar::axpy<N>(0.7f, a.data(), scalar.data());
    Simd::axpy<N>(0.7f, a.data(), simd.data());
    require_close(scalar, simd);
  }
  SECTION("sgd_update: the value moves against the gradient, the gradient is reset") {
    auto scalar_value = b, simd_value = b, scalar_grad = a, simd_grad = a;
    Scalar::sgd_update<N>(0.3f, scalar_grad.data(), scalar_value.data());
    Simd::sgd_update<N>(0.3f, simd_grad.data(), simd_value.data());
    require_close(scalar_value, simd_value);
    REQUIRE(scalar_value[0] == Approx(b[0] - 0.3f * a[0]));
    REQUIRE(scalar_grad == std::vector<float>(N, 0.f));
    REQUIRE(simd_grad == std::vector<float>(N, 0.f));
  }
  SECTION("accumulate") {
    auto scalar = b, simd = b;
    Scalar::accumulate<N>(a.data(), scalar.data());
    Simd::accumulate<N>(a.data(), simd.data());
    require_close(scalar, simd);
  }
  SECTION("tanh forward and backward") {
    std::vector<float> scalar(N), simd(N);
    Scalar::tanh_forward<N>(a.data(), scalar.data());
    Simd::tanh_forward<N>(a.data(), simd.data());
    require_close(scalar, simd);
    auto scalar_dx = b, simd_dx = b;
    Scalar::tanh_backward<N>(scalar.data(), a.data(), scalar_dx.data());
    Simd::tanh_backward<N>(scalar.data(), a.data(), simd_dx.data());
    require_close(scalar_dx, simd_dx);
    std::vector<float> set(N, std::nanf(""));  // as dx's first writer: set, not added to
    Simd::tanh_backward<N, true>(scalar.data(), a.data(), set.data());
    std::vector<float> from_zero(N, 0.f);
    Scalar::tanh_backward<N>(scalar.data(), a.data(), from_zero.data());
    require_close(from_zero, set);
  }
  SECTION("dot") { REQUIRE(Simd::dot<N>(a.data(), b.data()) == Approx(Scalar::dot<N>(a.data(), b.data())).epsilon(1e-5)); }
}
