// Finite-difference gradient checks of the vision-transformer ops (patchify,
// layer_norm, gelu, attention, mean_tokens), each with every input a
// parameter, and of a pre-LN transformer block end to end, for both kernel
// paths. Tolerances are check_gradients' (tests/support/gradcheck.hpp).
#include <boost/hana/define_struct.hpp>

#include "tests/support/gradcheck.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;
using namespace ctgrad::testing;

namespace {

template <class K, class Params, class Expression>
void check(Params& params, const Expression& loss, std::uint32_t seed, float scale = 1.f) {
  std::mt19937 rng(seed);
  randomize_parameters(params, rng, scale);
  auto graph = std::make_unique<Graph<Expression, K>>(loss);
  randomize(graph->template input<"target">(), rng);
  check_gradients(*graph, params);
}

struct Image {
  BOOST_HANA_DEFINE_STRUCT(Image, (Parameter<Shape<2, 6, 4>, "x">, x));
};
struct Rows {  // 5 tokens of 12 features, normalized over the features
  BOOST_HANA_DEFINE_STRUCT(Rows, (Parameter<Shape<5, 12>, "x">, x), (Parameter<Shape<12>, "gamma">, gamma),
                           (Parameter<Shape<12>, "beta">, beta));
};
struct Row {
  BOOST_HANA_DEFINE_STRUCT(Row, (Parameter<Shape<12>, "x">, x), (Parameter<Shape<12>, "gamma">, gamma),
                           (Parameter<Shape<12>, "beta">, beta));
};
struct Unary {  // 105 elements: a ragged length on every SIMD width
  BOOST_HANA_DEFINE_STRUCT(Unary, (Parameter<Shape<3, 5, 7>, "a">, a));
};
struct Head {  // 5 queries, 7 keys, key width 8, value width 6: no two extents alike
  BOOST_HANA_DEFINE_STRUCT(Head, (Parameter<Shape<5, 8>, "q">, q), (Parameter<Shape<7, 8>, "k">, k),
                           (Parameter<Shape<7, 6>, "v">, v));
};
struct Tokens {
  BOOST_HANA_DEFINE_STRUCT(Tokens, (Parameter<Shape<5, 12>, "x">, x));
};

// A micro ViT: a 1x4x6 image in 2x2 patches (6 tokens of 4 features), width
// 8, one pre-LN block with 2 heads of width 4 and an MLP of width 16, final
// layer norm, mean pooling, 3 classes.
constexpr std::size_t tokens = 6, width = 8, heads = 2, hidden = 16, classes = 3;
constexpr std::size_t head = head_width<width, heads>();
struct Vit {
  BOOST_HANA_DEFINE_STRUCT(
      Vit, (Parameter<Shape<1, 4, 6>, "image">, image), (Parameter<Shape<4, width>, "embed">, embed),
      (Parameter<Shape<tokens, width>, "position">, position), (Parameter<Shape<width>, "ln1_gamma">, ln1_gamma),
      (Parameter<Shape<width>, "ln1_beta">, ln1_beta), (Parameter<Shape<width, head>, "wq0">, wq0),
      (Parameter<Shape<width, head>, "wk0">, wk0), (Parameter<Shape<width, head>, "wv0">, wv0),
      (Parameter<Shape<head, width>, "wo0">, wo0), (Parameter<Shape<width, head>, "wq1">, wq1),
      (Parameter<Shape<width, head>, "wk1">, wk1), (Parameter<Shape<width, head>, "wv1">, wv1),
      (Parameter<Shape<head, width>, "wo1">, wo1), (Parameter<Shape<width>, "ln2_gamma">, ln2_gamma),
      (Parameter<Shape<width>, "ln2_beta">, ln2_beta), (Parameter<Shape<width, hidden>, "w1">, w1),
      (Parameter<Shape<hidden, width>, "w2">, w2), (Parameter<Shape<width>, "ln_gamma">, ln_gamma),
      (Parameter<Shape<width>, "ln_beta">, ln_beta), (Parameter<Shape<width, classes>, "classifier">, classifier));
};

auto vit_logits(Vit& p) {
  auto x = matmul(patchify<2>(p.image), p.embed) + p.position;
  // x feeds the layer norm and the residual add: one node with two consumers,
  // as h does (six projections).
  auto h = layer_norm(x, p.ln1_gamma, p.ln1_beta);
  auto mixed = matmul(attention(matmul(h, p.wq0), matmul(h, p.wk0), matmul(h, p.wv0)), p.wo0) +
               matmul(attention(matmul(h, p.wq1), matmul(h, p.wk1), matmul(h, p.wv1)), p.wo1);
  auto x1 = x + mixed;
  auto x2 = x1 + matmul(gelu(matmul(layer_norm(x1, p.ln2_gamma, p.ln2_beta), p.w1)), p.w2);
  return matmul(mean_tokens(layer_norm(x2, p.ln_gamma, p.ln_beta)), p.classifier);
}

}  // namespace

TEMPLATE_TEST_CASE("patchify: gradient returns to the patch's pixels", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Image p;
  check<TestType>(p, mse(tanh(patchify<2>(p.x)), target<Shape<6, 8>>()), 31);
}

TEMPLATE_TEST_CASE("layer_norm: gradient to rows, gamma and beta", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Rows p;
  check<TestType>(p, mse(layer_norm(p.x, p.gamma, p.beta), target<Shape<5, 12>>()), 32);
}

TEMPLATE_TEST_CASE("layer_norm: a vector is one row", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Row p;
  check<TestType>(p, mse(layer_norm(p.x, p.gamma, p.beta), target<Shape<12>>()), 33);
}

TEMPLATE_TEST_CASE("gelu: gradient matches central differences", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  check<TestType>(p, mse(gelu(p.a), target<Shape<3, 5, 7>>()), 34, 3.f);  // into both tails
}

TEMPLATE_TEST_CASE("attention: gradient to q, k and v", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Head p;
  // Scale 2: scores spread enough that the softmax is far from uniform.
  check<TestType>(p, mse(attention(p.q, p.k, p.v), target<Shape<5, 6>>()), 35, 2.f);
}

TEMPLATE_TEST_CASE("attention: q, k and v one tensor, its gradient summed over the three", "[gradcheck]",
                   CTGRAD_KERNEL_PATHS) {
  Tokens p;
  check<TestType>(p, mse(attention(p.x, p.x, p.x), target<Shape<5, 12>>()), 36);
}

TEMPLATE_TEST_CASE("mean_tokens: gradient spread over the tokens", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Tokens p;
  check<TestType>(p, mse(tanh(mean_tokens(p.x)), target<Shape<12>>()), 37);
}

TEMPLATE_TEST_CASE("a micro ViT with one pre-LN block: every parameter's gradient", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  auto p = std::make_unique<Vit>();
  std::mt19937 rng(38);
  randomize_parameters(*p, rng);
  auto loss = cross_entropy(vit_logits(*p), target<Shape<classes>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  graph->template input<"target">()[1] = 1.f;
  check_gradients(*graph, *p);
}
