// Finite-difference gradient checks, op by op, on random inputs, for both
// kernel paths. Every op's inputs are parameters here, so every backward
// branch (input and weight gradients) is exercised.
#include <boost/hana/define_struct.hpp>

#include "tests/support/gradcheck.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;
using namespace ctgrad::testing;

namespace {

template <class K, class Params, class Expression>
void check(Params& params, const Expression& loss, std::uint32_t seed) {
  std::mt19937 rng(seed);
  randomize_parameters(params, rng);
  auto graph = std::make_unique<Graph<Expression, K>>(loss);
  randomize(graph->template input<"target">(), rng);
  check_gradients(*graph, params);
}

struct Unary {
  BOOST_HANA_DEFINE_STRUCT(Unary, (Parameter<Shape<3, 5, 7>, "a">, a));
};
struct Binary {
  BOOST_HANA_DEFINE_STRUCT(Binary, (Parameter<Shape<3, 5, 7>, "a">, a), (Parameter<Shape<3, 5, 7>, "b">, b));
};
struct MatrixProduct {
  BOOST_HANA_DEFINE_STRUCT(MatrixProduct, (Parameter<Shape<4, 19>, "a">, a), (Parameter<Shape<19, 21>, "b">, b));
};
struct VectorProduct {
  BOOST_HANA_DEFINE_STRUCT(VectorProduct, (Parameter<Shape<37>, "x">, x), (Parameter<Shape<37, 10>, "w">, w));
};
struct Convolution {
  BOOST_HANA_DEFINE_STRUCT(Convolution, (Parameter<Shape<3, 9, 9>, "x">, x), (Parameter<Shape<4, 3, 3, 3>, "w">, w));
};
struct SparseTable {  // output plane o reads two of the three input planes
  static constexpr std::array<std::array<std::size_t, 2>, 4> planes = {{{0, 1}, {1, 2}, {0, 2}, {0, 1}}};
};
struct SparseConvolution {
  BOOST_HANA_DEFINE_STRUCT(SparseConvolution, (Parameter<Shape<3, 11, 11>, "x">, x),
                           (Parameter<Shape<4, 2, 5, 5>, "w">, w));
};
struct Loss {
  BOOST_HANA_DEFINE_STRUCT(Loss, (Parameter<Shape<10>, "y">, y), (Parameter<Shape<10>, "t">, t));
};

}  // namespace

TEMPLATE_TEST_CASE("tanh: gradient matches central differences", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  check<TestType>(p, mse(tanh(p.a), target<Shape<3, 5, 7>>()), 1);
}

TEMPLATE_TEST_CASE("add: gradient reaches both operands", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Binary p;
  check<TestType>(p, mse(tanh(p.a + p.b), target<Shape<3, 5, 7>>()), 2);
}

TEMPLATE_TEST_CASE("pad: gradient flows to the interior only", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  check<TestType>(p, mse(pad<2>(p.a, -1.f), target<Shape<3, 9, 11>>()), 3);
}

TEMPLATE_TEST_CASE("reshape: gradient keeps element order", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  check<TestType>(p, mse(tanh(flatten(p.a)), target<Shape<105>>()), 4);
}

TEMPLATE_TEST_CASE("matmul: matrix by matrix, both operands", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  MatrixProduct p;
  check<TestType>(p, mse(matmul(p.a, p.b), target<Shape<4, 21>>()), 5);
}

TEMPLATE_TEST_CASE("matmul: vector by matrix, both operands", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  VectorProduct p;
  check<TestType>(p, mse(matmul(p.x, p.w), target<Shape<10>>()), 6);
}

TEMPLATE_TEST_CASE("conv2d: full connection, stride 2, input and weight", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Convolution p;
  check<TestType>(p, mse(conv2d<2>(p.x, p.w), target<Shape<4, 4, 4>>()), 7);
}

TEMPLATE_TEST_CASE("conv2d: connection table, stride 2, input and weight", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  SparseConvolution p;
  check<TestType>(p, mse(conv2d<2, SparseTable>(p.x, p.w), target<Shape<4, 4, 4>>()), 8);
}

TEMPLATE_TEST_CASE("conv2d: stride 1", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Convolution p;
  check<TestType>(p, mse(conv2d<1>(p.x, p.w), target<Shape<4, 7, 7>>()), 9);
}

TEMPLATE_TEST_CASE("mse: gradient reaches prediction and target", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Loss p;
  std::mt19937 rng(10);
  randomize_parameters(p, rng);
  auto graph = std::make_unique<Graph<decltype(mse(p.y, p.t)), TestType>>(mse(p.y, p.t));
  check_gradients(*graph, p);
}
