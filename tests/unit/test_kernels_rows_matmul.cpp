// The products over a batch's rows (rows_matmul, rows_matmul_backward_b)
// against the scalar path (split from test_kernels_matmul to keep each file's
// compile time down).
#include <cstddef>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/kernels/kernels.hpp>

#include "tests/support/kernel_check.hpp"

using ctgrad::kernels::Scalar;
using Simd = ctgrad::kernels::Selected;  // each SIMD set in turn (CTGRAD_EACH_SIMD_SET)
using ctgrad::testing::random_vector;
using ctgrad::testing::require_close;

// A batch's rows through their layout (ops/matmul.hpp's forward_batch and
// backward_batch). 520 columns are more vectors than either instruction set
// has registers: the register block is then one row.
TEMPLATE_TEST_CASE_SIG("rows_matmul and its weight gradient match the scalar path", "[kernels]",
                       ((std::size_t Rows, std::size_t Depth, std::size_t Cols), Rows, Depth, Cols), (9, 30, 10),
                       (13, 19, 21), (5, 7, 64), (3, 4, 520)) {
  CTGRAD_EACH_SIMD_SET();
  // Rows spread over examples of 3 rows each, padded apart as a batch's tensors are.
  constexpr std::size_t group = 3, padding = 5;
  std::vector<float> a(Rows / group * (group * Depth + padding) + Rows % group * Depth + padding);
  std::vector<float> dc(Rows / group * (group * Cols + padding) + Rows % group * Cols + padding);
  const auto dense_a = random_vector(a.size(), 5), dense_dc = random_vector(dc.size(), 7);
  a.assign(dense_a.begin(), dense_a.end());
  dc.assign(dense_dc.begin(), dense_dc.end());
  const auto b = random_vector(Depth * Cols, 6);
  const ctgrad::kernels::Rows a_rows{a.data(), group, group * Depth + padding, Depth};
  const ctgrad::kernels::Rows dc_rows{dc.data(), group, group * Cols + padding, Cols};
  std::vector<float> scalar(dc.size(), 0.5f), simd(dc.size(), 0.5f);
  Scalar::rows_matmul<Depth, Cols>(Rows, a_rows, b.data(), {scalar.data(), group, group * Cols + padding, Cols});
  Simd::rows_matmul<Depth, Cols>(Rows, a_rows, b.data(), {simd.data(), group, group * Cols + padding, Cols});
  require_close(scalar, simd);
  // Every row written, and nothing between the examples.
  for (std::size_t r = 0; r < Rows; ++r) CHECK(scalar[(r / group) * (group * Cols + padding) + (r % group) * Cols] != 0.5f);
  CHECK(scalar[group * Cols] == 0.5f);
  std::vector<float> scalar_db(Depth * Cols, 0.25f), simd_db(Depth * Cols, 0.25f);
  Scalar::rows_matmul_backward_b<Depth, Cols>(Rows, a_rows, dc_rows, scalar_db.data());
  Simd::rows_matmul_backward_b<Depth, Cols>(Rows, a_rows, dc_rows, simd_db.data());
  require_close(scalar_db, simd_db);
}
