// The pooling kernels (src/kernels/pooling.hpp): a hand-computed 4x4 example,
// the SIMD path against the scalar one on widths shorter than a vector,
// ragged and exact (the same sums, since both combine rows first), and max
// pooling's routing of ties: after a ReLU a window of zeros is common, and
// its gradient must go to one element, the first, as in PyTorch.
#include <algorithm>
#include <cstddef>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/kernels/kernels.hpp>

#include "tests/support/kernel_check.hpp"

using ctgrad::kernels::PoolGeometry;
using ctgrad::kernels::Scalar;
using Simd = ctgrad::kernels::Selected;  // each SIMD set in turn (CTGRAD_EACH_SIMD_SET)
using ctgrad::testing::random_vector;

TEMPLATE_TEST_CASE("pooling kernels on one 4x4 plane", "[kernels]", Scalar, Simd) {
  CTGRAD_EACH_SIMD_SET();
  using G = PoolGeometry<1, 4, 4, 2>;
  const std::vector<float> x = {1, 2, 0, -1,   //
                                3, 4, 5, 0,    //
                                -2, -3, 7, 7,  //
                                -4, -1, 7, 6};
  std::vector<float> y(4);
  TestType::template window_sum_forward<G>(x.data(), y.data());
  CHECK(y == std::vector<float>{10, 4, -10, 27});
  TestType::template max_pool_forward<G>(x.data(), y.data());
  CHECK(y == std::vector<float>{4, 5, -1, 7});

  const std::vector<float> dy = {0.5f, -1, 2, 3};
  std::vector<float> dx(16, 9.f);
  TestType::template window_sum_backward<G, true>(dy.data(), dx.data());
  CHECK(dx == std::vector<float>{0.5f, 0.5f, -1, -1, 0.5f, 0.5f, -1, -1, 2, 2, 3, 3, 2, 2, 3, 3});
  TestType::template window_sum_backward<G>(dy.data(), dx.data());  // adds
  CHECK(dx[0] == 1.f);
  CHECK(dx[15] == 6.f);

  // The bottom-right window holds three 7s: its gradient goes to the first.
  std::fill(dx.begin(), dx.end(), 9.f);
  TestType::template max_pool_backward<G, true>(x.data(), y.data(), dy.data(), dx.data());
  CHECK(dx == std::vector<float>{0, 0, 0, 0, 0, 0.5f, -1, 0, 0, 0, 3, 0, 0, 2, 0, 0});
  TestType::template max_pool_backward<G>(x.data(), y.data(), dy.data(), dx.data());  // adds
  CHECK(dx[5] == 1.f);
  CHECK(dx[10] == 6.f);
  CHECK(dx[11] == 0.f);
}

TEMPLATE_TEST_CASE_SIG("pooling kernels: the SIMD path gives the scalar path's numbers", "[kernels]",
                       ((std::size_t H, std::size_t W, std::size_t S), H, W, S), (4, 6, 2), (6, 10, 2), (4, 20, 2),
                       (6, 36, 3), (8, 32, 4), (2, 64, 2)) {
  CTGRAD_EACH_SIMD_SET();
  using G = PoolGeometry<3, H, W, S>;
  constexpr std::size_t in = 3 * H * W, out = in / (S * S);
  const auto x = random_vector(in, 7), dy = random_vector(out, 8), start = random_vector(in, 9);
  std::vector<float> scalar(out), simd(out);
  SECTION("window sums, both ways") {
    Scalar::window_sum_forward<G>(x.data(), scalar.data());
    Simd::window_sum_forward<G>(x.data(), simd.data());
    CHECK(scalar == simd);
    auto scalar_dx = start, simd_dx = start;
    Scalar::window_sum_backward<G>(dy.data(), scalar_dx.data());
    Simd::window_sum_backward<G>(dy.data(), simd_dx.data());
    CHECK(scalar_dx == simd_dx);
    Scalar::window_sum_backward<G, true>(dy.data(), scalar_dx.data());
    Simd::window_sum_backward<G, true>(dy.data(), simd_dx.data());
    CHECK(scalar_dx == simd_dx);
  }
  SECTION("max pooling, both ways") {
    Scalar::max_pool_forward<G>(x.data(), scalar.data());
    Simd::max_pool_forward<G>(x.data(), simd.data());
    CHECK(scalar == simd);
    auto scalar_dx = start, simd_dx = start;
    Scalar::max_pool_backward<G, true>(x.data(), scalar.data(), dy.data(), scalar_dx.data());
    Simd::max_pool_backward<G, true>(x.data(), simd.data(), dy.data(), simd_dx.data());
    CHECK(scalar_dx == simd_dx);
    std::size_t routed = 0;
    for (float g : scalar_dx) routed += g != 0.f;
    CHECK(routed == out);  // one element per window
  }
}
