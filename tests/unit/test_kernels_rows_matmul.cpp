// The products over a batch's rows (rows_matmul, rows_matmul_backward_b)
// against the scalar path (split from test_kernels_matmul to keep each file's
// compile time down).
#include <cstddef>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/kernels/kernels.hpp>

#include "tests/support/kernel_check.hpp"

using ctgrad::kernels::Scalar;
using ctgrad::kernels::Simd;
using ctgrad::testing::random_vector;
using ctgrad::testing::require_close;

// A batch's rows through accessors (ops/matmul.hpp's forward_batch and
// backward_batch). 520 columns are more vectors than either instruction set
// has registers: the register block is then one row.
TEMPLATE_TEST_CASE_SIG("rows_matmul and its weight gradient match the scalar path", "[kernels]",
                       ((std::size_t Rows, std::size_t Depth, std::size_t Cols), Rows, Depth, Cols), (9, 30, 10),
                       (13, 19, 21), (5, 7, 64), (3, 4, 520)) {
  const auto a = random_vector(Rows * Depth, 5), b = random_vector(Depth * Cols, 6), dc = random_vector(Rows * Cols, 7);
  const auto a_row = [&](std::size_t r) { return a.data() + r * Depth; };
  const auto dc_row = [&](std::size_t r) { return dc.data() + r * Cols; };
  std::vector<float> scalar(Rows * Cols), simd(Rows * Cols);
  Scalar::rows_matmul<Depth, Cols>(Rows, a_row, b.data(), [&](std::size_t r) { return scalar.data() + r * Cols; });
  Simd::rows_matmul<Depth, Cols>(Rows, a_row, b.data(), [&](std::size_t r) { return simd.data() + r * Cols; });
  require_close(scalar, simd);
  std::vector<float> scalar_db(Depth * Cols, 0.25f), simd_db(Depth * Cols, 0.25f);
  Scalar::rows_matmul_backward_b<Depth, Cols>(Rows, a_row, dc_row, scalar_db.data());
  Simd::rows_matmul_backward_b<Depth, Cols>(Rows, a_row, dc_row, simd_db.data());
  require_close(scalar_db, simd_db);
}
