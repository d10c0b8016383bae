// The modern recipe's ops and the slices in a batched graph
// (tests/support/batch_check.hpp), both kernel paths.
#include <boost/hana/define_struct.hpp>

#include "tests/support/batch_check.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;
using ctgrad::testing::check_batch;
using ctgrad::testing::x;

namespace {

struct Classifier {
  BOOST_HANA_DEFINE_STRUCT(Classifier, (Parameter<Shape<37>, "a">, a), (Parameter<Shape<37, 10>, "w">, w));
};
struct Biased {
  BOOST_HANA_DEFINE_STRUCT(Biased, (Parameter<Shape<7>, "b">, b));
};
struct Stacked {
  BOOST_HANA_DEFINE_STRUCT(Stacked, (Parameter<Shape<3, 4, 6>, "w">, w), (Parameter<Shape<5, 6>, "m">, m));
};

}  // namespace

TEMPLATE_TEST_CASE("batched: relu, dropout while training, cross_entropy", "[gradcheck][batch]", CTGRAD_KERNEL_PATHS) {
  Classifier p;
  std::mt19937 dropout_rng;
  DropoutControl control{&dropout_rng, true};
  auto loss = cross_entropy(matmul(dropout(relu(p.a) + x<Shape<37>>(), 0.25f, control), p.w), target<Shape<10>>());
  check_batch<TestType>(p, loss, 110, [&] { dropout_rng.seed(7); });
}

TEMPLATE_TEST_CASE("batched: cross_entropy with label smoothing", "[gradcheck][batch]", CTGRAD_KERNEL_PATHS) {
  Classifier p;
  auto loss = cross_entropy(matmul(relu(p.a) + x<Shape<37>>(), p.w), target<Shape<10>>(), 0.1f);
  check_batch<TestType>(p, loss, 115);
}

TEMPLATE_TEST_CASE("batched: row_bias, take, rows, columns", "[gradcheck][batch]", CTGRAD_KERNEL_PATHS) {
  Biased b;
  check_batch<TestType>(b, mse(tanh(row_bias(x<Shape<5, 7>>(), b.b)), target<Shape<5, 7>>()), 111);
  Stacked s;
  check_batch<TestType>(s, mse(tanh(take<1>(x<Shape<3, 4, 6>>() + s.w)), target<Shape<4, 6>>()), 112);
  auto m = x<Shape<5, 6>>() + s.m;
  check_batch<TestType>(s, mse(tanh(matmul(columns<1, 5>(rows<1, 3>(m)), columns<2, 3>(m))), target<Shape<3, 3>>()),
                        113);
}

