// The SIMD elementwise kernels against the scalar reference, directly, on
// lengths that exercise every path: shorter than a vector, exact multiples,
// and ragged tails handled by overlapping vectors.
#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/kernels/kernels.hpp>

#include "tests/support/kernel_check.hpp"

using ctgrad::kernels::Scalar;
using Simd = ctgrad::kernels::Selected;  // each SIMD set in turn (CTGRAD_EACH_SIMD_SET)

using ctgrad::testing::random_vector;
using ctgrad::testing::require_close;

TEMPLATE_TEST_CASE_SIG("elementwise kernels match the scalar path", "[kernels]", ((std::size_t N), N), 1, 7, 16, 30,
                       33, 64, 100) {
  CTGRAD_EACH_SIMD_SET();
  const auto a = random_vector(N, 1), b = random_vector(N, 2);
  SECTION("axpy") {
    auto scalar = b, simd = b;
    Scalar::axpy<N>(0.7f, a.data(), scalar.data());
    Simd::axpy<N>(0.7f, a.data(), simd.data());
    require_close(scalar, simd);
  }
  SECTION("sgd_update: the value moves against the gradient, the gradient is reset") {
    auto scalar_value = b, simd_value = b, scalar_grad = a, simd_grad = a;
    Scalar::sgd_update(N, 0.3f, scalar_grad.data(), scalar_value.data());
    Simd::sgd_update(N, 0.3f, simd_grad.data(), simd_value.data());
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
  SECTION("activations: forward, backward, first writer's backward, curvature") {
    std::apply([&](auto... rules) {
      const auto check = [&](auto rule) {
        INFO(rule.name);
        std::vector<float> scalar(N), simd(N);
        Scalar::activation_forward<N>(rule, a.data(), scalar.data());
        Simd::activation_forward<N>(rule, a.data(), simd.data());
        require_close(scalar, simd);
        auto scalar_dx = b, simd_dx = b;  // dy = a, from the saved x = a and y = scalar
        Scalar::activation_backward<N>(rule, a.data(), scalar.data(), a.data(), scalar_dx.data());
        Simd::activation_backward<N>(rule, a.data(), scalar.data(), a.data(), simd_dx.data());
        require_close(scalar_dx, simd_dx);
        std::vector<float> set(N, std::nanf(""));  // as dx's first writer: set, not added to
        Simd::activation_backward<N, true>(rule, a.data(), scalar.data(), a.data(), set.data());
        std::vector<float> from_zero(N, 0.f);
        Scalar::activation_backward<N>(rule, a.data(), scalar.data(), a.data(), from_zero.data());
        require_close(from_zero, set);
        auto scalar_cx = b, simd_cx = b;
        Scalar::activation_curvature<N>(rule, a.data(), scalar.data(), a.data(), scalar_cx.data());
        Simd::activation_curvature<N>(rule, a.data(), scalar.data(), a.data(), simd_cx.data());
        require_close(scalar_cx, simd_cx);
      };
      (check(rules), ...);
    }, ctgrad::activation::compiled_activations{});
  }
  SECTION("sdlm_update: the step is eta / (mu + curvature) times the gradient, the gradient is reset") {
    std::vector<float> curvature(N);
    for (std::size_t i = 0; i < N; ++i) curvature[i] = a[i] * a[i];  // non-negative, as estimates are
    auto scalar_value = b, simd_value = b, scalar_grad = a, simd_grad = a;
    Scalar::sdlm_update(N, 0.01f, 0.02f, curvature.data(), scalar_grad.data(), scalar_value.data());
    Simd::sdlm_update(N, 0.01f, 0.02f, curvature.data(), simd_grad.data(), simd_value.data());
    require_close(scalar_value, simd_value);
    REQUIRE(scalar_value[0] == Approx(b[0] - 0.01f / (0.02f + curvature[0]) * a[0]));
    REQUIRE(scalar_grad == std::vector<float>(N, 0.f));
    REQUIRE(simd_grad == std::vector<float>(N, 0.f));
  }
  SECTION("tanh's curvature and square (the curvature pass)") {
    auto y = a;
    for (float& v : y) v = std::tanh(v);
    auto scalar = b, simd = b;
    for (std::size_t i = 0; i < N; ++i) scalar[i] = simd[i] = b[i] * b[i];
    Scalar::activation_curvature<N>(ctgrad::activation::Tanh{}, a.data(), y.data(), a.data(), scalar.data());
    Simd::activation_curvature<N>(ctgrad::activation::Tanh{}, a.data(), y.data(), a.data(), simd.data());
    require_close(scalar, simd);
    REQUIRE(scalar[0] == Approx(b[0] * b[0] + a[0] * (1 - y[0] * y[0]) * (1 - y[0] * y[0])));
    std::vector<float> scalar_square(N), simd_square(N);
    Scalar::square<N>(a.data(), scalar_square.data());
    Simd::square<N>(a.data(), simd_square.data());
    require_close(scalar_square, simd_square);
    REQUIRE(scalar_square[N - 1] == a[N - 1] * a[N - 1]);
  }
  SECTION("dot") { REQUIRE(Simd::dot<N>(a.data(), b.data()) == Approx(Scalar::dot<N>(a.data(), b.data())).epsilon(1e-5)); }
}
