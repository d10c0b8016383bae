// Values, not gradients (test_gradcheck_transformer.cpp has those), of the
// vision-transformer ops, against numbers computed by hand (Python's math
// module for erf, exp and sqrt), on both kernel paths.
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/ctgrad.hpp>
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;

namespace {

template <class S>
void set(Tensor<S>& tensor, const std::vector<float>& values) {
  REQUIRE(values.size() == S::size);
  std::copy(values.begin(), values.end(), tensor.begin());
}

template <class S>
void require_values(const Tensor<S>& tensor, const std::vector<double>& expected, double margin = 1e-6) {
  REQUIRE(expected.size() == S::size);
  for (std::size_t i = 0; i < S::size; ++i) {
    INFO("element " << i);
    REQUIRE(tensor[i] == Approx(expected[i]).margin(margin));
  }
}

std::vector<float> random_vector(std::size_t n, std::uint32_t seed, float scale) {
  std::mt19937 rng(seed);
  std::vector<float> values(n);
  for (float& v : values) v = (uniform01(rng) * 2.f - 1.f) * scale;
  return values;
}

}  // namespace

// ---- patchify ------------------------------------------------------------------

TEMPLATE_TEST_CASE("patchify: a 1x4x4 image in 2x2 patches, row-major patches", "[ops]", CTGRAD_KERNEL_PATHS) {
  auto y = patchify<2>(input<Shape<1, 4, 4>>());
  // typename: g++ 12 takes patchify<2>(...) in a template as dependent (core/shape_rule.hpp).
  STATIC_REQUIRE(std::is_same_v<typename decltype(y)::shape, Shape<4, 4>>);
  auto graph = std::make_unique<Graph<decltype(y), TestType>>(y);
  auto& image = graph->template input<"x">();
  for (std::size_t i = 0; i < 16; ++i) image[i] = static_cast<float>(i);  // pixel (row, col) holds 4 row + col
  graph->forward();
  require_values(graph->value(y), {0, 1, 4, 5,  // top left
                                   2, 3, 6, 7,  // top right
                                   8, 9, 12, 13,  // bottom left
                                   10, 11, 14, 15});
}

TEMPLATE_TEST_CASE("patchify: features in (channel, row, column) order", "[ops]", CTGRAD_KERNEL_PATHS) {
  auto y = patchify<2>(input<Shape<2, 2, 4>>());
  STATIC_REQUIRE(std::is_same_v<typename decltype(y)::shape, Shape<2, 8>>);
  auto graph = std::make_unique<Graph<decltype(y), TestType>>(y);
  auto& image = graph->template input<"x">();
  for (std::size_t i = 0; i < 16; ++i) image[i] = static_cast<float>(i);  // 8 channel + 4 row + col
  graph->forward();
  require_values(graph->value(y), {0, 1, 4, 5, 8, 9, 12, 13,  // left patch: channel 0, then channel 1
                                   2, 3, 6, 7, 10, 11, 14, 15});
}

// ---- layer_norm ------------------------------------------------------------------

TEMPLATE_TEST_CASE("layer_norm: one known row, then scale and shift", "[ops]", CTGRAD_KERNEL_PATHS) {
  // x = 1 2 3 4: mean 2.5, biased variance 1.25, rstd = 1/sqrt(1.25 + 1e-5) = 0.894423613.
  Parameter<Shape<4>, "gamma"> gamma;
  Parameter<Shape<4>, "beta"> beta;
  set(gamma.value, {1, 2, 0.5f, -1});
  set(beta.value, {0, 0.5f, -1, 2});
  auto y = layer_norm(input<Shape<4>>(), gamma, beta);
  auto graph = std::make_unique<Graph<decltype(y), TestType>>(y);
  set(graph->template input<"x">(), {1, 2, 3, 4});
  graph->forward();
  require_values(graph->value(y), {-1.3416354199689269, -0.394423613312618, -0.7763940966718454, 0.6583645800310731});
}

TEMPLATE_TEST_CASE("layer_norm: each row of a matrix on its own", "[ops]", CTGRAD_KERNEL_PATHS) {
  Parameter<Shape<4>, "gamma"> gamma;
  Parameter<Shape<4>, "beta"> beta;
  gamma.value.fill(1.f);
  auto y = layer_norm(input<Shape<3, 4>>(), gamma, beta);
  auto graph = std::make_unique<Graph<decltype(y), TestType>>(y);
  // Row 1 is row 0 shifted and scaled by 10: the same normalized values up
  // to eps (the variance is 100 times larger). Row 2 is constant: all zero.
  set(graph->template input<"x">(), {1, 2, 3, 4, 20, 30, 40, 50, 7, 7, 7, 7});
  graph->forward();
  const double r0 = 1 / std::sqrt(1.25 + 1e-5), r1 = 1 / std::sqrt(125.0 + 1e-5);
  require_values(graph->value(y), {-1.5 * r0, -0.5 * r0, 0.5 * r0, 1.5 * r0,  //
                                   -15 * r1, -5 * r1, 5 * r1, 15 * r1,  //
                                   0, 0, 0, 0});
}

// ---- gelu --------------------------------------------------------------------------

TEMPLATE_TEST_CASE("gelu: the exact erf form at 0, 1 and -1, and its derivative", "[ops]", CTGRAD_KERNEL_PATHS) {
  // gelu(x) = x Phi(x): Phi(1) = 0.5 (1 + erf(1/sqrt 2)) = 0.8413447460685429.
  // gelu'(x) = Phi(x) + x phi(x), phi(1) = 0.24197072451914337. (The tanh
  // approximation gives gelu(1) = 0.8411920.)
  std::vector<float> x = {0, 1, -1}, y(3), dy = {1, 1, 2}, dx = {0.25f, 0, 0};
  TestType::template activation_forward<3>(activation::Gelu{}, x.data(), y.data());
  CHECK(y[0] == 0.f);
  CHECK(y[1] == Approx(0.8413447460685429).margin(1e-7));
  CHECK(y[2] == Approx(-0.15865525393145707).margin(1e-7));
  TestType::template activation_backward<3>(activation::Gelu{}, x.data(), y.data(), dy.data(), dx.data());  // accumulates
  CHECK(dx[0] == Approx(0.25 + 0.5).margin(1e-7));
  CHECK(dx[1] == Approx(1.0833154705876864).margin(1e-6));
  CHECK(dx[2] == Approx(2 * -0.08331547058768629).margin(1e-6));
}

TEMPLATE_TEST_CASE_SIG("gelu kernels: SIMD agrees with scalar", "[ops]", ((std::size_t N), N), 1, 7, 16, 30, 33,
                       100) {
  const auto x = random_vector(N, 1, 5.f), dy = random_vector(N, 2, 1.f), start = random_vector(N, 3, 1.f);
  std::vector<float> scalar(N), simd(N);
  kernels::Scalar::activation_forward<N>(activation::Gelu{}, x.data(), scalar.data());
  kernels::Simd::activation_forward<N>(activation::Gelu{}, x.data(), simd.data());
  auto scalar_dx = start, simd_dx = start;
  kernels::Scalar::activation_backward<N>(activation::Gelu{}, x.data(), scalar.data(), dy.data(), scalar_dx.data());
  kernels::Simd::activation_backward<N>(activation::Gelu{}, x.data(), scalar.data(), dy.data(), simd_dx.data());
  for (std::size_t i = 0; i < N; ++i) {
    INFO("element " << i << ", x = " << x[i]);
    // xsimd's erf is a polynomial, std::erf libm's: a few ulp apart.
    REQUIRE(simd[i] == Approx(scalar[i]).margin(1e-6));
    REQUIRE(simd_dx[i] == Approx(scalar_dx[i]).margin(1e-6));
  }
}

// ---- attention ---------------------------------------------------------------------

TEMPLATE_TEST_CASE("attention: with one key, every query reads its value", "[ops]", CTGRAD_KERNEL_PATHS) {
  auto y = attention(input<Shape<3, 4>, "q">(), input<Shape<1, 4>, "k">(), input<Shape<1, 5>, "v">());
  STATIC_REQUIRE(std::is_same_v<decltype(y)::shape, Shape<3, 5>>);
  auto graph = std::make_unique<Graph<decltype(y), TestType>>(y);
  set(graph->template input<"q">(), random_vector(12, 4, 3.f));
  set(graph->template input<"k">(), random_vector(4, 5, 3.f));
  set(graph->template input<"v">(), {1, -2, 3, 0.5f, 7});
  graph->forward();
  require_values(graph->value(y), {1, -2, 3, 0.5, 7, 1, -2, 3, 0.5, 7, 1, -2, 3, 0.5, 7});
}

TEMPLATE_TEST_CASE("attention: a hand-computed query over two keys", "[ops]", CTGRAD_KERNEL_PATHS) {
  // Scores q k^T / sqrt 2 = (0, sqrt 2); P = softmax = (0.19557031749, 0.80442968251);
  // y = P v.
  auto y = attention(input<Shape<1, 2>, "q">(), input<Shape<2, 2>, "k">(), input<Shape<2, 2>, "v">());
  auto graph = std::make_unique<Graph<decltype(y), TestType>>(y);
  set(graph->template input<"q">(), {1, 0});
  set(graph->template input<"k">(), {0, 5, 2, 0});
  set(graph->template input<"v">(), {1, 2, 3, 4});
  graph->forward();
  require_values(graph->value(y), {2.6088593650139136, 3.608859365013914});
  using A = std::remove_cvref_t<decltype(y)>;
  require_values(graph::Access::state<A>(*graph).scratch[0], {0.1955703174930431, 0.8044296825069569,  // P
                                                      0, 0});  // backward's buffer, untouched
}

TEMPLATE_TEST_CASE("attention: probabilities are positive and each row sums to 1", "[ops]", CTGRAD_KERNEL_PATHS) {
  auto y = attention(input<Shape<6, 5>, "q">(), input<Shape<9, 5>, "k">(), input<Shape<9, 3>, "v">());
  auto graph = std::make_unique<Graph<decltype(y), TestType>>(y);
  // Large scores: without subtracting the row maximum, exp overflows.
  set(graph->template input<"q">(), random_vector(30, 6, 30.f));
  set(graph->template input<"k">(), random_vector(45, 7, 30.f));
  set(graph->template input<"v">(), random_vector(27, 8, 1.f));
  graph->forward();
  const auto& probabilities = graph::Access::state<std::remove_cvref_t<decltype(y)>>(*graph).scratch[0];
  for (std::size_t t = 0; t < 6; ++t) {
    double sum = 0;
    for (std::size_t s = 0; s < 9; ++s) {
      INFO("query " << t << " key " << s);
      REQUIRE(std::isfinite(probabilities[t * 9 + s]));
      REQUIRE(probabilities[t * 9 + s] >= 0.f);
      sum += probabilities[t * 9 + s];
    }
    INFO("query " << t);
    REQUIRE(sum == Approx(1.0).margin(1e-6));
  }
  for (float value : graph->value(y)) REQUIRE(std::isfinite(value));
}

TEST_CASE("head_width: the embedding split evenly over the heads", "[ops]") {
  STATIC_REQUIRE(head_width<64, 4>() == 16);
  STATIC_REQUIRE(head_width<8, 1>() == 8);
  STATIC_REQUIRE(head_width<192, 3>() == 64);  // ViT-Tiny
}

// ---- mean_tokens ---------------------------------------------------------------------

TEMPLATE_TEST_CASE("mean_tokens: the mean over tokens of each feature", "[ops]", CTGRAD_KERNEL_PATHS) {
  auto y = mean_tokens(input<Shape<3, 2>>());
  STATIC_REQUIRE(std::is_same_v<decltype(y)::shape, Shape<2>>);
  auto graph = std::make_unique<Graph<decltype(y), TestType>>(y);
  set(graph->template input<"x">(), {1, 10, 2, -20, 6, 40});
  graph->forward();
  require_values(graph->value(y), {3, 10});
}

// ---- counts for the model summary -------------------------------------------------------

TEST_CASE("transformer ops: multiply-adds of one forward", "[ops]") {
  using Q = Input<Shape<6, 4>, "q">;
  using K = Input<Shape<9, 4>, "k">;
  using V = Input<Shape<9, 3>, "v">;
  STATIC_REQUIRE(Attention<Q, K, V>::macs == 6 * 9 * (4 + 3));  // q k^T, then P v
  STATIC_REQUIRE(Attention<Q, K, V>::connections == 0);          // no weights
  using X = Input<Shape<6, 4>, "x">;
  using G = ParamLeaf<Parameter<Shape<4>, "gamma">>;
  using B = ParamLeaf<Parameter<Shape<4>, "beta">>;
  STATIC_REQUIRE(LayerNorm<X, G, B>::macs == 24);          // xhat * gamma + beta
  STATIC_REQUIRE(LayerNorm<X, G, B>::connections == 48);   // one gamma and one beta per element
  STATIC_REQUIRE(decltype(gelu(X{}))::macs == 0);
  STATIC_REQUIRE(MeanTokens<X>::macs == 0);
  STATIC_REQUIRE(Patchify<2, Input<Shape<3, 4, 4>, "image">>::macs == 0);
}
