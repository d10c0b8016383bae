// The SIMD kernels against the scalar reference, directly, on lengths that
// exercise every path: shorter than a vector, exact multiples, and ragged
// tails handled by overlapping vectors.
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/kernels/kernels.hpp>
#include <ctgrad/nn/init.hpp>

using ctgrad::kernels::Scalar;
using ctgrad::kernels::Simd;

namespace {
std::vector<float> random_vector(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> values(n);
  for (float& v : values) v = ctgrad::uniform01(rng) * 2.f - 1.f;
  return values;
}
void require_close(const std::vector<float>& expected, const std::vector<float>& actual) {
  REQUIRE(expected.size() == actual.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("element " << i);
    REQUIRE(actual[i] == Approx(expected[i]).epsilon(1e-5).margin(1e-6));
  }
}
}  // namespace

TEMPLATE_TEST_CASE_SIG("elementwise kernels match the scalar path", "[kernels]", ((std::size_t N), N), 1, 7, 16, 30,
                       33, 64, 100) {
  const auto a = random_vector(N, 1), b = random_vector(N, 2);
  SECTION("axpy") {
    auto scalar = b, simd = b;
    Scalar::axpy<N>(0.7f, a.data(), scalar.data());
    Simd::axpy<N>(0.7f, a.data(), simd.data());
    require_close(scalar, simd);
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
  std::vector<float> scalar_db(K * N, 0.25f), simd_db(K * N, 0.25f);
  Scalar::matmul_backward_b<M, K, N>(a.data(), dc.data(), scalar_db.data());
  Simd::matmul_backward_b<M, K, N>(a.data(), dc.data(), simd_db.data());
  require_close(scalar_db, simd_db);
}
