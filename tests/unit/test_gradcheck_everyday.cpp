// Finite-difference gradient checks of the everyday ops (multiply, subtract,
// scale, offset, sigmoid, softmax, concat, transpose), the tied bias (plane_bias)
// and the pools (subsample, max_pool), each with every input a parameter, for
// both kernel paths. Lengths are
// ragged on every SIMD width (105, 35, 19) and one softmax row is shorter than
// a vector, so the vector code, its tail and the short path all run.
// Tolerances are check_gradients' (tests/support/gradcheck.hpp).
#include <boost/hana/define_struct.hpp>

#include "tests/support/gradcheck.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;
using ctgrad::testing::check_loss;

namespace {

using Volume = Shape<3, 5, 7>;
struct Unary {
  BOOST_HANA_DEFINE_STRUCT(Unary, (Parameter<Volume, "a">, a));
};
struct Binary {
  BOOST_HANA_DEFINE_STRUCT(Binary, (Parameter<Volume, "a">, a), (Parameter<Volume, "b">, b));
};
struct Planes {  // three 5x7 planes and one bias each
  BOOST_HANA_DEFINE_STRUCT(Planes, (Parameter<Volume, "x">, x), (Parameter<Shape<3>, "b">, b));
};
struct Matrix {  // rows of 19 (ragged) and of 5 (shorter than one vector)
  BOOST_HANA_DEFINE_STRUCT(Matrix, (Parameter<Shape<4, 19>, "wide">, wide), (Parameter<Shape<3, 5>, "narrow">, narrow));
};
struct Pooled {  // rows of 36 (ragged on every vector width) and of 10 (shorter than AVX-512's)
  BOOST_HANA_DEFINE_STRUCT(Pooled, (Parameter<Shape<2, 4, 36>, "wide">, wide), (Parameter<Shape<3, 6, 9>, "narrow">, narrow),
                           (Parameter<Shape<2>, "w2">, w2), (Parameter<Shape<3>, "w3">, w3));
};
struct Stacks {
  BOOST_HANA_DEFINE_STRUCT(Stacks, (Parameter<Shape<2, 5, 7>, "a">, a), (Parameter<Shape<3, 5, 7>, "b">, b));
};

}  // namespace

TEMPLATE_TEST_CASE("multiply: gradient reaches both operands", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Binary p;
  check_loss<TestType>(p, mse(p.a * p.b, target<Volume>()), 31);
}

TEMPLATE_TEST_CASE("multiply: an operand used twice gets both gradients (x * x)", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  check_loss<TestType>(p, mse(p.a * p.a, target<Volume>()), 32);
}

TEMPLATE_TEST_CASE("subtract: gradient reaches both operands with opposite signs", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Binary p;
  check_loss<TestType>(p, mse(tanh(p.a - p.b), target<Volume>()), 33);
}

TEMPLATE_TEST_CASE("scale: constant factor on either side", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Binary p;
  check_loss<TestType>(p, mse(2.5f * p.a + p.b * -0.5f, target<Volume>()), 34);
}

TEMPLATE_TEST_CASE("offset: a constant added on either side or subtracted", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Binary p;
  check_loss<TestType>(p, mse(tanh(0.3f + p.a * 1.5f - 0.4f) * p.b + 0.2f, target<Volume>()), 36);
}

TEMPLATE_TEST_CASE("sigmoid: gradient matches central differences", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  check_loss<TestType>(p, mse(sigmoid(p.a), target<Volume>()), 35, 3.f);
}

TEMPLATE_TEST_CASE("softmax: over the last axis, long and short rows", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Matrix p;
  // A scale of 3 spreads the probabilities, so no row is one-hot and every
  // element's gradient is visible above the finite-difference noise.
  auto loss = mse(softmax(p.wide), target<Shape<4, 19>>()) +
              mse(softmax(p.narrow), target<Shape<3, 5>, "narrow_target">());
  check_loss<TestType>(p, loss, 36, 3.f);
}

TEMPLATE_TEST_CASE("concat: each operand gets its part of the gradient", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Stacks p;
  check_loss<TestType>(p, mse(tanh(concat(p.a, p.b)), target<Shape<5, 5, 7>>()), 37);
}

TEMPLATE_TEST_CASE("transpose: gradient goes back transposed", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Matrix p;
  check_loss<TestType>(p, mse(matmul(transpose(p.wide), tanh(p.wide)), target<Shape<19, 19>>()), 38);
}

TEMPLATE_TEST_CASE("plane_bias: one bias per plane, gradient to bias and input", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Planes p;
  check_loss<TestType>(p, mse(tanh(plane_bias(p.x, p.b)), target<Volume>()), 39);
}

TEMPLATE_TEST_CASE("subsample: window sums times a coefficient per plane, gradient to both", "[gradcheck]",
                   CTGRAD_KERNEL_PATHS) {
  Pooled p;
  auto loss = mse(tanh(subsample<2>(p.wide, p.w2)), target<Shape<2, 2, 18>>()) +
              mse(tanh(subsample<3>(p.narrow, p.w3)), target<Shape<3, 2, 3>, "narrow_target">());
  check_loss<TestType>(p, loss, 40);
}

TEMPLATE_TEST_CASE("max_pool: the gradient goes to each window's maximum", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Pooled p;
  auto loss = mse(tanh(max_pool<2>(p.wide)), target<Shape<2, 2, 18>>()) +
              mse(max_pool<3>(p.narrow), target<Shape<3, 2, 3>, "narrow_target">());
  check_loss<TestType>(p, loss, 41);
}
