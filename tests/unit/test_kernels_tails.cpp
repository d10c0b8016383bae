// The SIMD path's tails against the scalar path, to the bit (test_kernels_elementwise
// compares whole kernels within a tolerance; split from it to keep each file's
// compile time down).
#include <cstddef>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/kernels/kernels.hpp>

#include "tests/support/kernel_check.hpp"

using ctgrad::kernels::Scalar;
using Simd = ctgrad::kernels::Selected;  // each SIMD set in turn (CTGRAD_EACH_SIMD_SET)
using ctgrad::testing::random_vector;

// Below one vector the SIMD path's elementwise kernels run their tail, which
// calls the same element function (src/kernels/elementwise.hpp) as the scalar
// path's loop, or (axpy) narrower vectors of the same fused multiply-adds:
// the two agree to the bit, not only within a tolerance. (1 and 3 are below
// SSE2's 4 floats too; an activation's forward pads one vector instead,
// exact only for relu. On AVX-512, 7
// and 15 end axpy's narrow vectors with an overlapping one, 8 and 10 are a
// transformer head's and LeNet-1's output width.)
TEMPLATE_TEST_CASE_SIG("below one vector the SIMD tails equal the scalar path exactly", "[kernels]",
                       ((std::size_t N), N), 1, 3, 7, 8, 10, 15) {
  CTGRAD_EACH_SIMD_SET();
  if (N < Simd::width()) {
    const auto a = random_vector(N, 1), b = random_vector(N, 2), c = random_vector(N, 3);
    const auto both = [&](auto kernel) {
      auto scalar = c, simd = c;
      kernel(Scalar{}, scalar.data());
      kernel(Simd{}, simd.data());
      REQUIRE(scalar == simd);
    };
    // Each activation's backward, accumulating and as the first writer, and
    // its curvature (the forward pads one vector: see test_kernels_elementwise).
    std::apply([&](auto... rules) {
      (both([&](auto path, float* out) { decltype(path)::template activation_backward<N>(rules, a.data(), a.data(), b.data(), out); }), ...);
      (both([&](auto path, float* out) { decltype(path)::template activation_backward<N, true>(rules, a.data(), a.data(), b.data(), out); }), ...);
      (both([&](auto path, float* out) { decltype(path)::template activation_curvature<N>(rules, a.data(), a.data(), b.data(), out); }), ...);
    }, ctgrad::activation::compiled_activations{});
    both([&](auto path, float* out) { decltype(path)::template activation_forward<N>(ctgrad::activation::Relu{}, a.data(), out); });
    both([&](auto path, float* out) { decltype(path)::template add<N>(a.data(), b.data(), out); });
    both([&](auto path, float* out) { decltype(path)::template accumulate<N>(a.data(), out); });
    both([&](auto path, float* out) { decltype(path)::template subtract<N>(a.data(), b.data(), out); });
    both([&](auto path, float* out) { decltype(path)::template multiply<N>(a.data(), b.data(), out); });
    both([&](auto path, float* out) { decltype(path)::template accumulate_product<N>(a.data(), b.data(), out); });
    both([&](auto path, float* out) { decltype(path)::template scale<N>(0.3f, a.data(), out); });
    both([&](auto path, float* out) { decltype(path)::template axpy<N>(0.3f, a.data(), out); });
    both([&](auto path, float* out) { decltype(path)::template add_constant<N>(a.data(), 0.3f, out); });
    both([&](auto path, float* out) { decltype(path)::template exp_shifted<N>(a.data(), 0.3f, out); });
    both([&](auto path, float* out) { decltype(path)::template softmax_backward_row<N>(a.data(), b.data(), 0.3f, out); });
    both([&](auto path, float* out) { *out = decltype(path)::template sum<N>(a.data()); });
    both([&](auto path, float* out) { *out = decltype(path)::template max<N>(a.data()); });
    both([&](auto path, float* out) { *out = decltype(path)::template dot<N>(a.data(), b.data()); });
    auto grad = a;
    both([&](auto path, float* value) {
      grad = a;
      decltype(path)::sgd_update(N, 0.3f, grad.data(), value);
    });
    auto exp_avg = b, exp_avg_sq = c;
    const ctgrad::kernels::AdamWConstants constants{0.999f, 0.1f, 0.999f, 0.001f, 0.01f, 0.03f, 1e-8f};
    both([&](auto path, float* value) {
      exp_avg = b;
      exp_avg_sq = std::vector<float>(N, 0.5f);
      decltype(path)::adamw_update(N, constants, value, a.data(), exp_avg.data(), exp_avg_sq.data());
    });
  }
}

// fill, and copy_block as pad runs it: a block of rows N floats long from
// packed rows into rows with a border around them, and back (written and
// added). Exact on every set and path, whatever N is against the vector
// width (the SIMD path copies short rows as narrower vectors), and nothing
// outside the block is written.
TEMPLATE_TEST_CASE_SIG("fill and copy_block write exactly their floats, on every set", "[kernels]",
                       ((std::size_t N), N), 1, 3, 7, 8, 10, 15, 16, 17, 30, 33) {
  CTGRAD_EACH_SIMD_SET();
  constexpr std::size_t planes = 3, rows = 4, pad = 2, wide = N + 2 * pad, tall = rows + 2 * pad;
  constexpr ctgrad::kernels::Block into{planes, rows, N, rows * N, N, tall * wide, wide};
  constexpr ctgrad::kernels::Block back = into.back();
  constexpr std::size_t corner = pad * wide + pad;
  const auto packed = random_vector(planes * rows * N, 4);
  const auto inside = [&](std::size_t at) {
    const std::size_t p = at / (tall * wide), r = at / wide % tall, c = at % wide;
    return p < planes && r >= pad && r < pad + rows && c >= pad && c < pad + N;
  };
  const auto packed_of = [&](std::size_t at) {
    const std::size_t p = at / (tall * wide), r = at / wide % tall - pad, c = at % wide - pad;
    return packed[(p * rows + r) * N + c];
  };
  const auto check = [&](auto path) {
    using K = decltype(path);
    std::vector<float> framed(planes * tall * wide + 1, 7.f);  // one float past the end: a sentinel
    K::template fill<planes * tall * wide>(-1.f, framed.data());
    K::template copy_block<into>(packed.data(), framed.data() + corner);
    for (std::size_t at = 0; at < planes * tall * wide; ++at) REQUIRE(framed[at] == (inside(at) ? packed_of(at) : -1.f));
    REQUIRE(framed.back() == 7.f);

    std::vector<float> rows_back(planes * rows * N + 1, 7.f);
    K::template copy_block<back>(framed.data() + corner, rows_back.data());
    REQUIRE(std::vector<float>(rows_back.begin(), rows_back.end() - 1) == packed);
    REQUIRE(rows_back.back() == 7.f);
    K::template copy_block<back, true>(framed.data() + corner, rows_back.data());
    for (std::size_t i = 0; i < packed.size(); ++i) REQUIRE(rows_back[i] == packed[i] + packed[i]);
    REQUIRE(rows_back.back() == 7.f);
  };
  check(Scalar{});
  check(Simd{});
}
