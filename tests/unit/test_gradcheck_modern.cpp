// Finite-difference gradient checks of the ops of the "modern" LeNet-1 recipe
// (lecun1989-repro modern.py): relu, dropout while training, cross-entropy,
// for both kernel paths. Tolerances are check_gradients' (tests/support).
#include <algorithm>
#include <cmath>

#include <boost/hana/define_struct.hpp>

#include "tests/support/gradcheck.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;
using namespace ctgrad::testing;

namespace {

struct Unary {
  BOOST_HANA_DEFINE_STRUCT(Unary, (Parameter<Shape<3, 5, 7>, "a">, a));
};
struct Logits {
  BOOST_HANA_DEFINE_STRUCT(Logits, (Parameter<Shape<10>, "z">, z));
};
struct LogitsAndTarget {
  BOOST_HANA_DEFINE_STRUCT(LogitsAndTarget, (Parameter<Shape<10>, "z">, z), (Parameter<Shape<10>, "t">, t));
};
struct Classifier {  // the tail of the modern net: relu, dropout, a linear layer, cross-entropy
  BOOST_HANA_DEFINE_STRUCT(Classifier, (Parameter<Shape<37>, "x">, x), (Parameter<Shape<37, 10>, "w">, w));
};

// ReLU has no derivative at 0: keep every value at least 1e-2 away from it,
// ten central-difference steps.
template <class S>
void keep_away_from_zero(Tensor<S>& tensor) {
  for (float& v : tensor)
    if (std::abs(v) < 1e-2f) v = v < 0.f ? -0.5f : 0.5f;
}

// check_gradients runs forward once before backward and twice per element
// after it. Re-seeding the dropout generator before every forward gives every
// one of them the same mask, the one backward used.
template <class G>
struct ReseedBeforeForward {
  G& graph;
  std::mt19937& rng;
  std::uint32_t seed;
  void forward() {
    rng.seed(seed);
    graph.forward();
  }
  void backward() { graph.backward(); }
  float loss() const { return graph.loss(); }
};

}  // namespace

TEMPLATE_TEST_CASE("relu: gradient matches central differences away from 0", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  std::mt19937 rng(21);
  randomize_parameters(p, rng);
  keep_away_from_zero(p.a.value);
  auto loss = mse(relu(p.a), target<Shape<3, 5, 7>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  randomize(graph->template input<"target">(), rng);
  check_gradients(*graph, p);
}

TEMPLATE_TEST_CASE("dropout: gradient in training goes through the mask", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  std::mt19937 rng(22);
  randomize_parameters(p, rng);
  std::mt19937 dropout_rng;
  DropoutControl control{&dropout_rng, true};
  auto loss = mse(tanh(dropout(p.a, 0.4f, control)), target<Shape<3, 5, 7>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  randomize(graph->template input<"target">(), rng);
  ReseedBeforeForward<std::remove_cvref_t<decltype(*graph)>> reseeded{*graph, dropout_rng, 5};
  check_gradients(reseeded, p);
}

TEMPLATE_TEST_CASE("dropout: gradient in evaluation is the identity's", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  std::mt19937 rng(23);
  randomize_parameters(p, rng);
  DropoutControl control{nullptr, false};
  auto loss = mse(tanh(dropout(p.a, 0.4f, control)), target<Shape<3, 5, 7>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  randomize(graph->template input<"target">(), rng);
  check_gradients(*graph, p);
}

TEMPLATE_TEST_CASE("cross_entropy: gradient to the logits, one-hot target input", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Logits p;
  std::mt19937 rng(24);
  randomize_parameters(p, rng, 3.f);
  auto loss = cross_entropy(p.z, target<Shape<10>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  for (std::size_t label : {0u, 3u, 9u}) {
    auto& t = graph->template input<"target">();
    t.fill(0.f);
    t[label] = 1.f;
    INFO("class " << label);
    check_gradients(*graph, p);
  }
}

TEMPLATE_TEST_CASE("cross_entropy: gradient to logits and target, any target", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  // A target that is not a distribution (signed, not summing to 1) checks the
  // general form of the logits gradient and the target gradient.
  LogitsAndTarget p;
  std::mt19937 rng(25);
  randomize_parameters(p, rng, 3.f);
  auto loss = cross_entropy(p.z, p.t);
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  check_gradients(*graph, p);
}

TEMPLATE_TEST_CASE("cross_entropy with label smoothing: value, and gradient to logits and target", "[gradcheck]",
                   CTGRAD_KERNEL_PATHS) {
  constexpr float eps = 0.1f;
  {  // A one-hot label: the loss is plain cross-entropy against the smoothed target.
    Logits p;
    std::mt19937 rng(27);
    randomize_parameters(p, rng, 3.f);
    auto loss = cross_entropy(p.z, target<Shape<10>>(), eps);
    auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
    auto& t = graph->template input<"target">();
    t.fill(0.f);
    t[4] = 1.f;
    graph->forward();
    double largest = p.z.value[0], sum = 0, expected = 0;
    for (float z : p.z.value) largest = std::max<double>(largest, z);
    for (float z : p.z.value) sum += std::exp(z - largest);
    for (std::size_t i = 0; i < 10; ++i)
      expected -= ((i == 4 ? 1 - eps : 0) + eps / 10) * (p.z.value[i] - largest - std::log(sum));
    CHECK(graph->loss() == Approx(expected).epsilon(1e-5));
    check_gradients(*graph, p);
  }
  {  // Any target (signed, not summing to 1): the general forms of both gradients.
    LogitsAndTarget p;
    std::mt19937 rng(28);
    randomize_parameters(p, rng, 3.f);
    auto loss = cross_entropy(p.z, p.t, eps);
    auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
    check_gradients(*graph, p);
  }
}

TEMPLATE_TEST_CASE("relu, dropout, matmul, cross_entropy: the modern classifier's tail", "[gradcheck]",
                   CTGRAD_KERNEL_PATHS) {
  Classifier p;
  std::mt19937 rng(26);
  randomize_parameters(p, rng);
  keep_away_from_zero(p.x.value);
  std::mt19937 dropout_rng;
  DropoutControl control{&dropout_rng, true};
  auto loss = cross_entropy(matmul(dropout(relu(p.x), 0.25f, control), p.w), target<Shape<10>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  graph->template input<"target">()[7] = 1.f;
  ReseedBeforeForward<std::remove_cvref_t<decltype(*graph)>> reseeded{*graph, dropout_rng, 6};
  check_gradients(reseeded, p);
}
