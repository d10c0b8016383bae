// The SIMD products against the scalar reference, directly, on extents
// shorter than a vector, exact multiples, and ragged ones.
#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/kernels/kernels.hpp>

#include "tests/support/kernel_check.hpp"

using ctgrad::kernels::Scalar;
using Simd = ctgrad::kernels::Selected;  // each SIMD set in turn (CTGRAD_EACH_SIMD_SET)

using ctgrad::testing::random_vector;
using ctgrad::testing::require_close;

TEMPLATE_TEST_CASE_SIG("matmul and its backward match the scalar path", "[kernels]",
                       ((std::size_t M, std::size_t K, std::size_t N), M, K, N), (1, 192, 30), (1, 30, 10), (4, 19, 21),
                       (3, 8, 16), (2, 5, 200), (16, 16, 8), (16, 8, 16), (5, 7, 3), (40, 20, 7),
                       (3, 4, 520), (20, 200, 5)) {
  CTGRAD_EACH_SIMD_SET();
  const auto a = random_vector(M * K, 5), b = random_vector(K * N, 6), dc = random_vector(M * N, 7);
  // Near zero, a sum of many terms added in another order (a set's vectors
  // split it differently) keeps an absolute error that grows with its length.
  const float margin = 1e-7f * static_cast<float>(std::max({M, K, N}));
  std::vector<float> scalar(M * N, std::nanf("")), simd(M * N, std::nanf(""));
  Scalar::matmul<M, K, N>(a.data(), b.data(), scalar.data());
  Simd::matmul<M, K, N>(a.data(), b.data(), simd.data());
  require_close(scalar, simd, margin);
  // C += A B: onto C = 0.25 the same product plus 0.25, on both paths.
  std::vector<float> scalar_acc(M * N, 0.25f), simd_acc(M * N, 0.25f), expected_acc = scalar;
  for (float& value : expected_acc) value += 0.25f;
  Scalar::matmul<M, K, N, true>(a.data(), b.data(), scalar_acc.data());
  Simd::matmul<M, K, N, true>(a.data(), b.data(), simd_acc.data());
  require_close(expected_acc, scalar_acc, margin);
  require_close(expected_acc, simd_acc, margin);
  std::vector<float> scalar_da(M * K, 0.25f), simd_da(M * K, 0.25f);
  Scalar::matmul_backward_a<M, K, N>(dc.data(), b.data(), scalar_da.data());
  Simd::matmul_backward_a<M, K, N>(dc.data(), b.data(), simd_da.data());
  require_close(scalar_da, simd_da, margin);
  std::vector<float> from_zero(M * K, 0.f), scalar_set(M * K, 1e30f), simd_set(M * K, std::nanf(""));
  Scalar::matmul_backward_a<M, K, N>(dc.data(), b.data(), from_zero.data());
  Scalar::matmul_backward_a<M, K, N, true>(dc.data(), b.data(), scalar_set.data());
  Simd::matmul_backward_a<M, K, N, true>(dc.data(), b.data(), simd_set.data());
  require_close(from_zero, scalar_set, margin);
  require_close(from_zero, simd_set, margin);
  std::vector<float> scalar_db(K * N, 0.25f), simd_db(K * N, 0.25f);
  Scalar::matmul_backward_b<M, K, N>(a.data(), dc.data(), scalar_db.data());
  Simd::matmul_backward_b<M, K, N>(a.data(), dc.data(), simd_db.data());
  require_close(scalar_db, simd_db, margin);
}
