// The transformer's ops in a batched graph (tests/support/batch_check.hpp), both kernel paths.
#include <boost/hana/define_struct.hpp>

#include "tests/support/batch_check.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;
using ctgrad::testing::check_batch;
using ctgrad::testing::x;

namespace {

constexpr std::size_t tokens = 6, width = 8, heads = 2, hidden = 16, classes = 3;
constexpr std::size_t head = head_width<width, heads>();
struct Vit {
  BOOST_HANA_DEFINE_STRUCT(
      Vit, (Parameter<Shape<4, width>, "embed">, embed), (Parameter<Shape<tokens, width>, "position">, position),
      (Parameter<Shape<width>, "ln1_gamma">, ln1_gamma), (Parameter<Shape<width>, "ln1_beta">, ln1_beta),
      (Parameter<Shape<width, head>, "wq0">, wq0), (Parameter<Shape<width, head>, "wk0">, wk0),
      (Parameter<Shape<width, head>, "wv0">, wv0), (Parameter<Shape<head, width>, "wo0">, wo0),
      (Parameter<Shape<width, head>, "wq1">, wq1), (Parameter<Shape<width, head>, "wk1">, wk1),
      (Parameter<Shape<width, head>, "wv1">, wv1), (Parameter<Shape<head, width>, "wo1">, wo1),
      (Parameter<Shape<width>, "ln2_gamma">, ln2_gamma), (Parameter<Shape<width>, "ln2_beta">, ln2_beta),
      (Parameter<Shape<width, hidden>, "w1">, w1), (Parameter<Shape<hidden, width>, "w2">, w2),
      (Parameter<Shape<width>, "ln_gamma">, ln_gamma), (Parameter<Shape<width>, "ln_beta">, ln_beta),
      (Parameter<Shape<width, classes>, "classifier">, classifier));
};

}  // namespace

TEMPLATE_TEST_CASE("batched: a micro ViT (patchify, layer_norm, attention, gelu, mean_tokens)", "[gradcheck][batch]",
                   CTGRAD_KERNEL_PATHS) {
  Vit p;
  auto image = x<Shape<1, 4, 6>>();
  auto x0 = matmul(patchify<2>(image), p.embed) + p.position;
  auto h = layer_norm(x0, p.ln1_gamma, p.ln1_beta);
  auto mixed = matmul(attention(matmul(h, p.wq0), matmul(h, p.wk0), matmul(h, p.wv0)), p.wo0) +
               matmul(attention(matmul(h, p.wq1), matmul(h, p.wk1), matmul(h, p.wv1)), p.wo1);
  auto x1 = x0 + mixed;
  auto x2 = x1 + matmul(gelu(matmul(layer_norm(x1, p.ln2_gamma, p.ln2_beta), p.w1)), p.w2);
  auto logits = matmul(mean_tokens(layer_norm(x2, p.ln_gamma, p.ln_beta)), p.classifier);
  check_batch<TestType>(p, cross_entropy(logits, target<Shape<classes>>()), 114);
}

