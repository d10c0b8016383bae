// Values, not gradients (test_gradcheck_modern.cpp has those), of the modern
// recipe's ops: relu on both kernel paths, dropout's modes and mask, and
// cross-entropy against hand-computed numbers.
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include <boost/hana/define_struct.hpp>
#include <catch2/catch.hpp>

#include <ctgrad/ctgrad.hpp>
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;

namespace {

std::vector<float> random_vector(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> values(n);
  for (float& v : values) v = uniform01(rng) * 2.f - 1.f;
  return values;
}

struct Wide {
  BOOST_HANA_DEFINE_STRUCT(Wide, (Parameter<Shape<20000>, "a">, a));
};
using WideShape = Shape<20000>;

template <class K>
auto dropout_graph(Wide& p, float probability, DropoutControl& control) {
  auto loss = mse(dropout(p.a, probability, control), target<WideShape>());
  return std::make_unique<Graph<decltype(loss), K>>(loss);
}

}  // namespace

// ---- relu --------------------------------------------------------------------

TEMPLATE_TEST_CASE_SIG("relu kernels: values, and SIMD equals scalar", "[ops]", ((std::size_t N), N), 1, 7, 16, 30,
                       33, 100) {
  auto x = random_vector(N, 1), dy = random_vector(N, 2), start = random_vector(N, 3);
  x[0] = 0.f;  // max(0, 0) = 0 and no gradient at 0, as PyTorch
  std::vector<float> scalar(N), simd(N);
  kernels::Scalar::activation_forward<N>(activation::Relu{}, x.data(), scalar.data());
  kernels::Simd::activation_forward<N>(activation::Relu{}, x.data(), simd.data());
  for (std::size_t i = 0; i < N; ++i) {
    INFO("element " << i);
    REQUIRE(scalar[i] == (x[i] > 0.f ? x[i] : 0.f));
    REQUIRE(simd[i] == scalar[i]);
  }
  auto scalar_dx = start, simd_dx = start;
  kernels::Scalar::activation_backward<N>(activation::Relu{}, x.data(), scalar.data(), dy.data(), scalar_dx.data());
  kernels::Simd::activation_backward<N>(activation::Relu{}, x.data(), scalar.data(), dy.data(), simd_dx.data());
  for (std::size_t i = 0; i < N; ++i) {
    INFO("element " << i);
    REQUIRE(scalar_dx[i] == (x[i] > 0.f ? start[i] + dy[i] : start[i]));
    REQUIRE(simd_dx[i] == scalar_dx[i]);
  }
}

// ---- dropout -----------------------------------------------------------------

TEMPLATE_TEST_CASE("dropout: identity in evaluation, forward and backward", "[ops]", CTGRAD_KERNEL_PATHS) {
  auto p = std::make_unique<Wide>();
  std::mt19937 rng(1);
  for (float& v : p->a.value) v = uniform01(rng) - 0.5f;
  DropoutControl control{nullptr, false};  // evaluation needs no generator
  auto graph = dropout_graph<TestType>(*p, 0.25f, control);
  graph->forward();
  graph->backward();
  const auto& y = graph->value(dropout(p->a, 0.25f, control));
  const auto& t = graph->template input<"target">();
  for (std::size_t i = 0; i < WideShape::size; ++i) {
    INFO("element " << i);
    REQUIRE(y[i] == p->a.value[i]);
    // mse's gradient, 2 (y - t) / n, unchanged by dropout.
    REQUIRE(p->a.grad[i] == Approx(2.f * (p->a.value[i] - t[i]) / WideShape::size));
  }
}

TEMPLATE_TEST_CASE("dropout: training keeps 1 - p of the elements, scaled by 1 / (1 - p)", "[ops]", CTGRAD_KERNEL_PATHS) {
  auto p = std::make_unique<Wide>();
  std::mt19937 values(2);
  for (float& v : p->a.value) v = uniform01(values) + 0.5f;  // never 0: a zero output means dropped
  std::mt19937 rng(3);
  DropoutControl control{&rng, true};
  for (float probability : {0.25f, 0.5f, 0.f}) {
    auto graph = dropout_graph<TestType>(*p, probability, control);
    graph->forward();
    const auto& y = graph->value(dropout(p->a, probability, control));
    const float scale = 1.f / (1.f - probability);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < WideShape::size; ++i) {
      INFO("element " << i << " p " << probability);
      if (y[i] != 0.f) {
        ++kept;
        REQUIRE(y[i] == p->a.value[i] * scale);
      }
    }
    // Binomial(20000, 1 - p): standard deviation at most 71, so +-1% is over 2.8 sigma
    // (and the seed is fixed).
    INFO("p " << probability << " kept " << kept);
    REQUIRE(std::abs(static_cast<double>(kept) / WideShape::size - (1.0 - probability)) <= 0.01);
  }
}

TEMPLATE_TEST_CASE("dropout: the mask comes from the control's generator", "[ops]", CTGRAD_KERNEL_PATHS) {
  auto p = std::make_unique<Wide>();
  p->a.value.fill(1.f);
  std::mt19937 rng;
  DropoutControl control{&rng, true};
  auto graph = dropout_graph<TestType>(*p, 0.5f, control);
  const auto& y = graph->value(dropout(p->a, 0.5f, control));
  auto run = [&](std::uint32_t seed) {
    rng.seed(seed);
    graph->forward();
    return std::vector<float>(y.begin(), y.end());
  };
  const auto first = run(7);
  CHECK(run(7) == first);  // same seed, same mask
  CHECK(run(8) != first);
  rng.seed(7);
  graph->forward();
  graph->forward();  // the stream goes on: a new mask each forward
  CHECK(std::vector<float>(y.begin(), y.end()) != first);

  // The mask is uniform01 draws in element order: kept where the draw >= p.
  rng.seed(7);
  std::mt19937 reference(7);
  graph->forward();
  for (std::size_t i = 0; i < WideShape::size; ++i) {
    INFO("element " << i);
    REQUIRE(y[i] == (uniform01(reference) >= 0.5f ? 2.f : 0.f));
  }

  // Backward multiplies by the mask of the last forward.
  graph->backward();
  const auto& t = graph->template input<"target">();
  for (std::size_t i = 0; i < WideShape::size; ++i) {
    INFO("element " << i);
    REQUIRE(p->a.grad[i] == Approx(y[i] * 2.f * (y[i] - t[i]) / WideShape::size));
  }
}

TEST_CASE("dropout: misuse is reported", "[ops]") {
  auto p = std::make_unique<Wide>();
  DropoutControl control{nullptr, true};
  CHECK_THROWS_WITH(dropout(p->a, 1.f, control), Catch::Contains("p must be in [0, 1)"));
  CHECK_THROWS_WITH(dropout(p->a, -0.1f, control), Catch::Contains("p must be in [0, 1)"));
  auto graph = dropout_graph<kernels::Scalar>(*p, 0.5f, control);
  CHECK_THROWS_WITH(graph->forward(), Catch::Contains("rng is null"));
  // One node type with two different probabilities would be merged: compile refuses.
  auto twice = mse(dropout(p->a, 0.5f, control) + dropout(p->a, 0.25f, control), target<WideShape>());
  using Twice = Graph<decltype(twice), kernels::Scalar>;
  CHECK_THROWS_AS(std::make_unique<Twice>(twice), std::logic_error);
  DropoutControl other;
  auto two_controls = mse(dropout(p->a, 0.5f, control) + dropout(p->a, 0.5f, other), target<WideShape>());
  using TwoControls = Graph<decltype(two_controls), kernels::Scalar>;
  CHECK_THROWS_AS(std::make_unique<TwoControls>(two_controls), std::logic_error);
}

// ---- cross-entropy -------------------------------------------------------------

namespace {
struct Logits {
  BOOST_HANA_DEFINE_STRUCT(Logits, (Parameter<Shape<3>, "z">, z));
};
}  // namespace

TEMPLATE_TEST_CASE("cross_entropy: values and gradient by hand", "[ops]", CTGRAD_KERNEL_PATHS) {
  Logits p;
  p.z.value = {{1.f, 2.f, 3.f}};
  auto loss = cross_entropy(p.z, target<Shape<3>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  auto& t = graph->template input<"target">();
  // softmax(1, 2, 3) = (e^1, e^2, e^3) / (e^1 + e^2 + e^3)
  const double sum = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  const double softmax[3] = {std::exp(1.0) / sum, std::exp(2.0) / sum, std::exp(3.0) / sum};
  CHECK(softmax[2] == Approx(0.66524096));
  for (std::size_t label = 0; label < 3; ++label) {
    INFO("class " << label);
    t.fill(0.f);
    t[label] = 1.f;
    graph->forward();
    // -log softmax(z)_label = log(e^1 + e^2 + e^3) - z_label; 0.40760596 for class 2
    CHECK(graph->loss() == Approx(std::log(sum) - (label + 1.0)).epsilon(1e-6));
    graph->backward();
    for (std::size_t i = 0; i < 3; ++i)
      CHECK(p.z.grad[i] == Approx(softmax[i] - (i == label ? 1.0 : 0.0)).margin(1e-6));
    p.z.grad.fill(0.f);
  }
  t.fill(0.f);
  t[2] = 1.f;
  graph->forward();
  CHECK(graph->loss() == Approx(0.40760596).epsilon(1e-6));

  // A soft target: the loss is the t-weighted sum of -log softmax.
  t = {{0.25f, 0.25f, 0.5f}};
  graph->forward();
  CHECK(graph->loss() == Approx(std::log(sum) - (0.25 * 1 + 0.25 * 2 + 0.5 * 3)).epsilon(1e-6));
}

TEST_CASE("cross_entropy: large logits neither overflow nor lose the answer", "[ops]") {
  Logits p;
  p.z.value = {{1000.f, 0.f, -1000.f}};  // e^1000 overflows a float (and a double)
  auto loss = cross_entropy(p.z, target<Shape<3>>());
  auto graph = std::make_unique<Graph<decltype(loss), kernels::Default>>(loss);
  auto& t = graph->template input<"target">();
  t = {{1.f, 0.f, 0.f}};
  graph->forward();
  CHECK(graph->loss() == Approx(0.0).margin(1e-6));
  t = {{0.f, 1.f, 0.f}};
  graph->forward();
  CHECK(graph->loss() == Approx(1000.0).epsilon(1e-6));
  graph->backward();
  CHECK(p.z.grad[0] == Approx(1.0).margin(1e-6));
  CHECK(p.z.grad[1] == Approx(-1.0).margin(1e-6));
  CHECK(p.z.grad[2] == Approx(0.0).margin(1e-6));
}
