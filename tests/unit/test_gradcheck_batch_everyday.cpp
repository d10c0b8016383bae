// The everyday ops, the tied bias and the pools in a batched graph
// (tests/support/batch_check.hpp), both kernel paths.
#include <boost/hana/define_struct.hpp>

#include "tests/support/batch_check.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;
using ctgrad::testing::check_batch;
using ctgrad::testing::x;

namespace {

using Volume = Shape<3, 5, 7>;
struct Binary {
  BOOST_HANA_DEFINE_STRUCT(Binary, (Parameter<Volume, "a">, a), (Parameter<Volume, "b">, b));
};
struct Planes {
  BOOST_HANA_DEFINE_STRUCT(Planes, (Parameter<Shape<3>, "b">, b));
};
struct Subsampling {
  BOOST_HANA_DEFINE_STRUCT(Subsampling, (Parameter<Shape<3>, "w">, w), (Parameter<Shape<3>, "b">, b));
};
struct Rows {
  BOOST_HANA_DEFINE_STRUCT(Rows, (Parameter<Shape<2, 19>, "first">, first), (Parameter<Shape<6, 4>, "w">, w));
};

}  // namespace

TEMPLATE_TEST_CASE("batched: multiply, subtract, scale, offset, sigmoid", "[gradcheck][batch]", CTGRAD_KERNEL_PATHS) {
  Binary p;
  check_batch<TestType>(p, mse(x<Volume>() * p.a - 0.5f * p.b, target<Volume>()), 111);
  check_batch<TestType>(p, mse(sigmoid(x<Volume>() * p.a + p.b), target<Volume>()), 112);
  check_batch<TestType>(p, mse(tanh(1.275f * x<Volume>() - 0.1f) * p.a + p.b, target<Volume>()), 117);
}

TEMPLATE_TEST_CASE("batched: plane_bias", "[gradcheck][batch]", CTGRAD_KERNEL_PATHS) {
  Planes p;
  check_batch<TestType>(p, mse(tanh(plane_bias(x<Volume>(), p.b)), target<Volume>()), 113);
}

TEMPLATE_TEST_CASE("batched: LeNet-5's subsampling and max_pool", "[gradcheck][batch]", CTGRAD_KERNEL_PATHS) {
  Subsampling p;
  using In = Shape<3, 6, 20>;
  check_batch<TestType>(p, mse(tanh(plane_bias(subsample<2>(x<In>(), p.w), p.b)), target<Shape<3, 3, 10>>()), 115);
  check_batch<TestType>(p, mse(tanh(plane_bias(max_pool<2>(x<In>()), p.b)), target<Shape<3, 3, 10>>()), 116);
}

TEMPLATE_TEST_CASE("batched: softmax, concat, transpose", "[gradcheck][batch]", CTGRAD_KERNEL_PATHS) {
  Rows p;
  check_batch<TestType>(p, mse(softmax(concat(p.first, x<Shape<3, 19>>())), target<Shape<5, 19>>()), 114);
  check_batch<TestType>(p, mse(matmul(transpose(x<Shape<6, 4>>()), p.w), target<Shape<4, 4>>()), 115);
}
