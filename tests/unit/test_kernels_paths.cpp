// The SIMD kernels against the scalar reference, directly, on lengths that
// exercise every path: shorter than a vector, exact multiples, and ragged
// tails handled by overlapping vectors.
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
  SECTION("sdlm_update: the step is eta / (mu + curvature) times the gradient, the gradient is reset") {
    std::vector<float> curvature(N);
    for (std::size_t i = 0; i < N; ++i) curvature[i] = a[i] * a[i];  // non-negative, as estimates are
    auto scalar_value = b, simd_value = b, scalar_grad = a, simd_grad = a;
    Scalar::sdlm_update<N>(0.01f, 0.02f, curvature.data(), scalar_grad.data(), scalar_value.data());
    Simd::sdlm_update<N>(0.01f, 0.02f, curvature.data(), simd_grad.data(), simd_value.data());
    require_close(scalar_value, simd_value);
    REQUIRE(scalar_value[0] == Approx(b[0] - 0.01f / (0.02f + curvature[0]) * a[0]));
    REQUIRE(scalar_grad == std::vector<float>(N, 0.f));
    REQUIRE(simd_grad == std::vector<float>(N, 0.f));
  }
  SECTION("tanh_curvature and square (the curvature pass)") {
    auto y = a;
    for (float& v : y) v = std::tanh(v);
    auto scalar = b, simd = b;
    for (std::size_t i = 0; i < N; ++i) scalar[i] = simd[i] = b[i] * b[i];
    Scalar::tanh_curvature<N>(y.data(), a.data(), scalar.data());
    Simd::tanh_curvature<N>(y.data(), a.data(), simd.data());
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

TEMPLATE_TEST_CASE_SIG("dot_many equals one dot product per row", "[kernels]", ((std::size_t N, std::size_t Count), N, Count),
                       (16, 25), (64, 25), (30, 192), (21, 4), (7, 3), (33, 17)) {
  const auto a = random_vector(N, 3);
  const auto rows = random_vector(N * Count, 4);
  std::vector<float> expected(Count, 0.5f), actual(Count, 0.5f);
  for (std::size_t c = 0; c < Count; ++c) expected[c] += Scalar::dot<N>(a.data(), rows.data() + c * N);
  Simd::dot_many<N, Count, N>(a.data(), rows.data(), actual.data());
  require_close(expected, actual);
}

TEMPLATE_TEST_CASE_SIG("matmul and its backward match the scalar path", "[kernels]",
                       ((std::size_t M, std::size_t K, std::size_t N), M, K, N), (1, 192, 30), (1, 30, 10), (4, 19, 21),
                       (3, 8, 16), (2, 5, 200)) {
  const auto a = random_vector(M * K, 5), b = random_vector(K * N, 6), dc = random_vector(M * N, 7);
  std::vector<float> scalar(M * N), simd(M * N);
  Scalar::matmul<M, K, N>(a.data(), b.data(), scalar.data());
  Simd::matmul<M, K, N>(a.data(), b.data(), simd.data());
  require_close(scalar, simd);
  std::vector<float> scalar_da(M * K, 0.25f), simd_da(M * K, 0.25f);
  Scalar::matmul_backward_a<M, K, N>(dc.data(), b.data(), scalar_da.data());
  Simd::matmul_backward_a<M, K, N>(dc.data(), b.data(), simd_da.data());
  require_close(scalar_da, simd_da);
  std::vector<float> from_zero(M * K, 0.f), scalar_set(M * K, 1e30f), simd_set(M * K, std::nanf(""));
  Scalar::matmul_backward_a<M, K, N>(dc.data(), b.data(), from_zero.data());
  Scalar::matmul_backward_a<M, K, N, true>(dc.data(), b.data(), scalar_set.data());
  Simd::matmul_backward_a<M, K, N, true>(dc.data(), b.data(), simd_set.data());
  require_close(from_zero, scalar_set);
  require_close(from_zero, simd_set);
  std::vector<float> scalar_db(K * N, 0.25f), simd_db(K * N, 0.25f);
  Scalar::matmul_backward_b<M, K, N>(a.data(), dc.data(), scalar_db.data());
  Simd::matmul_backward_b<M, K, N>(a.data(), dc.data(), simd_db.data());
  require_close(scalar_db, simd_db);
}

namespace {
// Output plane o reads input planes o, o+1, ..., o+FanIn-1 (mod InPlanes):
// every plane has FanIn readers, in a different slot for each.
template <std::size_t InPlanes, std::size_t OutPlanes, std::size_t FanIn>
struct RotatingTable {
  static constexpr auto planes = [] {
    std::array<std::array<std::size_t, FanIn>, OutPlanes> table{};
    for (std::size_t o = 0; o < OutPlanes; ++o) {
      for (std::size_t j = 0; j < FanIn; ++j) table[o][j] = (o + j) % InPlanes;
      std::sort(table[o].begin(), table[o].end());
    }
    return table;
  }();
};
}  // namespace

// Geometries chosen to reach every branch of the SIMD convolution: taps
// shorter and longer than a vector, pixel counts below, at and above one
// vector and ragged, more readers per plane than one register block holds
// (the remainder call), strides 1 to 3, an even kernel, inputs the last
// stride step does not reach, and LeNet-1's two layers.
TEMPLATE_TEST_CASE_SIG("conv2d forward and backward match the scalar path", "[kernels]",
                       ((std::size_t InPlanes, std::size_t In, std::size_t OutPlanes, std::size_t FanIn,
                         std::size_t Kernel, std::size_t Stride),
                        InPlanes, In, OutPlanes, FanIn, Kernel, Stride),
                       (1, 20, 12, 1, 5, 2), (12, 12, 12, 8, 5, 2), (3, 9, 4, 3, 3, 2), (3, 11, 4, 2, 5, 2),
                       (2, 9, 20, 2, 5, 1), (3, 13, 5, 2, 5, 2), (2, 14, 3, 2, 4, 2), (2, 17, 3, 1, 5, 3),
                       (4, 6, 2, 4, 1, 1), (1, 23, 17, 1, 5, 2)) {
  using G = ctgrad::kernels::ConvGeometry<InPlanes, In, In, OutPlanes, FanIn, Kernel, Stride,
                                          RotatingTable<InPlanes, OutPlanes, FanIn>>;
  // Up to a few hundred products of terms in [-1, 1] per output, summed in a
  // different order on each path: float rounding of about 1e-5 absolute.
  constexpr float conv_margin = 2e-5f;
  const auto x = random_vector(InPlanes * In * In, 8);
  const auto w = random_vector(OutPlanes * FanIn * G::taps, 9);
  const auto dy = random_vector(OutPlanes * G::out_pixels, 10);
  std::vector<float> scratch(G::scratch_size, 0.f);  // zero, as the op's scratch is at construction
  std::vector<float> scalar_y(OutPlanes * G::out_pixels), simd_y(OutPlanes * G::out_pixels);
  Scalar::conv2d_forward<G>(x.data(), w.data(), scalar_y.data(), nullptr);
  Simd::conv2d_forward<G>(x.data(), w.data(), simd_y.data(), scratch.data());
  require_close(scalar_y, simd_y, conv_margin);
  // Gradients accumulate into what is there: start from non-zero values.
  auto scalar_dw = random_vector(w.size(), 11), scalar_dx = random_vector(x.size(), 12);
  auto simd_dw = scalar_dw, simd_dx = scalar_dx;
  Scalar::conv2d_backward<G>(x.data(), w.data(), dy.data(), scalar_dw.data(), scalar_dx.data(), nullptr);
  for (int call = 0; call < 2; ++call) {  // twice: the first call must leave the scratch fit for the next
    auto dw = simd_dw, dx = simd_dx;
    Simd::conv2d_backward<G>(x.data(), w.data(), dy.data(), dw.data(), dx.data(), scratch.data());
    require_close(scalar_dw, dw, conv_margin);
    require_close(scalar_dx, dx, conv_margin);
  }
  // As dx's first writer (WriteDx): dx is set, whatever it held before.
  {
    std::vector<float> expected_dx(x.size(), 0.f);
    auto dw = scalar_dw;
    Scalar::conv2d_backward<G>(x.data(), w.data(), dy.data(), dw.data(), expected_dx.data(), nullptr);
    std::vector<float> scalar_set(x.size(), 1e30f), simd_set(x.size(), std::nanf(""));
    Scalar::conv2d_backward<G, true>(x.data(), w.data(), dy.data(), dw.data(), scalar_set.data(), nullptr);
    Simd::conv2d_backward<G, true>(x.data(), w.data(), dy.data(), dw.data(), simd_set.data(), scratch.data());
    require_close(expected_dx, scalar_set, conv_margin);
    require_close(expected_dx, simd_set, conv_margin);
  }
  // No input gradient wanted (the first layer): only dw changes.
  auto dw = simd_dw;
  Simd::conv2d_backward<G>(x.data(), w.data(), dy.data(), dw.data(), nullptr, scratch.data());
  require_close(scalar_dw, dw, conv_margin);
}
