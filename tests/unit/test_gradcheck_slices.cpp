// Gradient checks for the broadcast bias and the compile-time slices, both
// kernel paths, and their index mapping on hand-filled values.
#include <boost/hana/define_struct.hpp>

#include "tests/support/gradcheck.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;
using namespace ctgrad::testing;

namespace {
struct Biased {
  BOOST_HANA_DEFINE_STRUCT(Biased, (Parameter<Shape<5, 7>, "x">, x), (Parameter<Shape<7>, "b">, b));
};
struct Stacked {
  BOOST_HANA_DEFINE_STRUCT(Stacked, (Parameter<Shape<3, 4, 6>, "w">, w));
};
struct Matrix {
  BOOST_HANA_DEFINE_STRUCT(Matrix, (Parameter<Shape<5, 6>, "m">, m));
};

template <class K, class Params, class Expression>
void check(Params& params, const Expression& loss, std::uint32_t seed) {
  std::mt19937 rng(seed);
  randomize_parameters(params, rng);
  auto graph = std::make_unique<Graph<Expression, K>>(loss);
  randomize(graph->template input<"target">(), rng);
  check_gradients(*graph, params);
}
}  // namespace

TEMPLATE_TEST_CASE("row_bias: gradient reaches the matrix and the shared bias", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Biased p;
  check<TestType>(p, mse(tanh(row_bias(p.x, p.b)), target<Shape<5, 7>>()), 31);
}

TEMPLATE_TEST_CASE("take, rows and columns: gradient lands in the sliced part only", "[gradcheck]", CTGRAD_KERNEL_PATHS) {
  Stacked s;
  check<TestType>(s, mse(tanh(take<1>(s.w)), target<Shape<4, 6>>()), 32);
  Matrix m;
  // Both slices of one matrix: their gradients add up in the overlap.
  check<TestType>(m, mse(tanh(matmul(columns<1, 5>(rows<1, 3>(m.m)), columns<2, 3>(m.m))), target<Shape<3, 3>>()), 33);
}

TEST_CASE("slices pick the right elements", "[graph]") {
  Matrix m;
  for (std::size_t i = 0; i < 30; ++i) m.m.value[i] = static_cast<float>(i);  // m[r][c] = 6r + c
  auto picked = columns<2, 3>(rows<1, 2>(m.m));                             // rows 1-2, columns 2-4
  auto loss = mse(picked, target<Shape<2, 3>>());
  Graph<decltype(loss), kernels::Scalar> graph(loss);
  graph.forward();
  const auto& value = graph.value(picked);
  const float expected[] = {8, 9, 10, 14, 15, 16};
  for (std::size_t i = 0; i < 6; ++i) REQUIRE(value[i] == expected[i]);
  Stacked s;
  for (std::size_t i = 0; i < 72; ++i) s.w.value[i] = static_cast<float>(i);
  auto block = take<2>(s.w);
  auto block_loss = mse(block, target<Shape<4, 6>>());
  Graph<decltype(block_loss), kernels::Scalar> block_graph(block_loss);
  block_graph.forward();
  REQUIRE(block_graph.value(block)[0] == 48.f);
  REQUIRE(block_graph.value(block)[23] == 71.f);
}
