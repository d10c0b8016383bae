// The compiled graph is a DAG: a sub-expression used twice is one node,
// computed once, and its gradient is the sum over its consumers.
#include <boost/hana/define_struct.hpp>
#include <boost/hana/equal.hpp>
#include <boost/hana/length.hpp>

#include <limits>

#include "tests/support/gradcheck.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;

namespace {
struct Residual {
  BOOST_HANA_DEFINE_STRUCT(Residual, (Parameter<Shape<6>, "a">, a), (Parameter<Shape<6, 6>, "w">, w));
};
// Declares a batched backward it does not have (ops/op.hpp).
template <class X>
struct ClaimsBatch : OpBase {
  using shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "claims_batch";
  static constexpr bool has_backward_batch = true;
  arguments args;
  bool operator==(const ClaimsBatch&) const = default;
  template <class K>
  void forward(const Tensor<shape>&, Tensor<shape>&, NoScratch&) const {}
  template <class K, class DX>
  void backward(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>&, DX, NoScratch&) const {}
};
}  // namespace

TEST_CASE("the op contract: every shipped kind of node meets it, a misdeclared one does not", "[graph]") {
  Residual p;
  using K = kernels::Scalar;
  using A = ParamLeaf<Parameter<Shape<6>, "a">>;
  using X = Input<Shape<6>, "x">;
  STATIC_REQUIRE(Op<A, K>);
  STATIC_REQUIRE(Op<decltype(tanh(p.a)), K>);                 // an activation rule's node
  STATIC_REQUIRE(Op<decltype(matmul(X{}, p.w)), K>);          // the reference op, batched forms included
  STATIC_REQUIRE(Op<decltype(mse(tanh(p.a), target<Shape<6>>())), K>);
  STATIC_REQUIRE(!Op<ClaimsBatch<X>, K>);
  STATIC_REQUIRE(op_check::lack<ClaimsBatch<X>, K>() == op_check::Lack::backward_batch);
  STATIC_REQUIRE(!Op<int, K>);
}

TEST_CASE("a sub-expression used twice is scheduled once", "[graph]") {
  Residual p;
  auto h = tanh(p.a);
  auto y = h + tanh(matmul(h, p.w));  // residual: h feeds both branches
  auto loss = mse(y, target<Shape<6>>());
  using G = Graph<decltype(loss), kernels::Scalar>;
  // a, tanh(a)=h, w, matmul, tanh, add, target, mse: h is not duplicated.
  STATIC_REQUIRE(boost::hana::length(G::nodes) == boost::hana::size_c<8>);
}

TEMPLATE_TEST_CASE("a shared node gets gradient from every consumer", "[graph][gradcheck]", CTGRAD_KERNEL_PATHS) {
  Residual p;
  std::mt19937 rng(11);
  ctgrad::testing::randomize_parameters(p, rng);
  auto h = tanh(p.a);
  auto loss = mse(h + tanh(matmul(h, p.w)), target<Shape<6>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  ctgrad::testing::randomize(graph->template input<"target">(), rng);
  ctgrad::testing::check_gradients(*graph, p);

  // dL/dh is the sum of both paths: dL/dy (through the add) + W dL/dm
  // (through m = h W). Checked against the graph's own intermediate gradients.
  zero_grad(p);
  graph->forward();
  graph->backward();
  auto product = matmul(h, p.w);
  const auto& grad_h = graph->grad(h);
  const auto& grad_y = graph->grad(h + tanh(product));
  const auto& grad_m = graph->grad(product);
  for (std::size_t i = 0; i < 6; ++i) {
    float expected = grad_y[i];
    for (std::size_t n = 0; n < 6; ++n) expected += p.w.value[i * 6 + n] * grad_m[n];
    REQUIRE(grad_h[i] == Approx(expected).epsilon(1e-5));
  }
}

TEST_CASE("two different parameters with one name are refused at compile()", "[graph]") {
  Parameter<Shape<4>, "w"> first, second;
  auto loss = mse(tanh(first) + tanh(second), target<Shape<4>>());
  using G = Graph<decltype(loss), kernels::Scalar>;
  REQUIRE_THROWS_WITH(std::make_unique<G>(loss), Catch::Contains("have the same type"));
}

TEST_CASE("one parameter used twice is one leaf and is accepted", "[graph]") {
  Parameter<Shape<4>, "w"> w;
  auto loss = mse(tanh(w) + w, target<Shape<4>>());
  using G = Graph<decltype(loss), kernels::Scalar>;
  REQUIRE_NOTHROW(std::make_unique<G>(loss));
}

TEST_CASE("pad nodes of one type with different fill values are refused", "[graph]") {
  Parameter<Shape<1, 2, 2>, "x"> x;
  auto loss = mse(pad<1>(x, -1.f) + pad<1>(x, 0.f), target<Shape<1, 4, 4>>());
  using G = Graph<decltype(loss), kernels::Scalar>;
  REQUIRE_THROWS(std::make_unique<G>(loss));
}

// First writers: backward runs the schedule in reverse, so a node's gradient
// is first written by its last consumer. When that consumer reads the node
// once and its op sets (not adds to) the gradients it is handed, the graph
// does not zero-fill that gradient.
TEST_CASE("first writers: which gradients are set rather than zero-filled", "[graph]") {
  Residual p;
  auto h = tanh(p.a);
  auto product = matmul(h, p.w);
  auto y = h + tanh(product);
  auto loss = mse(y, target<Shape<6>>());
  using G = Graph<decltype(loss), kernels::Scalar>;
  // y, tanh(product) and product have one consumer each, whose ops write.
  STATIC_REQUIRE(graph::Access::overwritten_by_first_writer<G, decltype(y)>());
  STATIC_REQUIRE(graph::Access::overwritten_by_first_writer<G, decltype(tanh(product))>());
  STATIC_REQUIRE(graph::Access::overwritten_by_first_writer<G, decltype(product)>());
  // h has two consumers: the add (later in the schedule, so first in
  // backward) sets its gradient, the matmul adds to it.
  STATIC_REQUIRE(graph::Access::overwritten_by_first_writer<G, decltype(h)>());
  STATIC_REQUIRE(graph::Access::writes_first<G, decltype(y), decltype(h)>());
  STATIC_REQUIRE(!graph::Access::writes_first<G, decltype(product), decltype(h)>());
  // The root has no consumer; parameters keep accumulating.
  STATIC_REQUIRE(!graph::Access::overwritten_by_first_writer<G, decltype(loss)>());
  STATIC_REQUIRE(!graph::Access::overwritten_by_first_writer<G, ParamLeaf<decltype(p.a)>>());

  // x + x reads x twice: its gradient is zero-filled and added to twice.
  auto doubled = tanh(p.a) + tanh(p.a);
  using D = Graph<decltype(mse(doubled, target<Shape<6>>())), kernels::Scalar>;
  STATIC_REQUIRE(!graph::Access::overwritten_by_first_writer<D, decltype(tanh(p.a))>());
}

TEMPLATE_TEST_CASE("gradients do not depend on what the skipped zero-fills would have cleared", "[graph]",
                   CTGRAD_KERNEL_PATHS) {
  Residual p;
  std::mt19937 rng(12);
  ctgrad::testing::randomize_parameters(p, rng);
  auto h = tanh(p.a);
  auto product = matmul(h, p.w);
  auto y = h + tanh(product);
  auto loss = mse(y, target<Shape<6>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  ctgrad::testing::randomize(graph->template input<"target">(), rng);
  zero_grad(p);
  graph->forward();
  graph->backward();
  const auto a_grad = p.a.grad;
  const auto w_grad = p.w.grad;
  const auto h_grad = graph->grad(h);
  // Garbage in every intermediate gradient, as a previous step may leave it.
  graph::Access::state<decltype(h)>(*graph).grad[0].fill(1e30f);
  graph::Access::state<decltype(y)>(*graph).grad[0].fill(std::numeric_limits<float>::quiet_NaN());
  graph::Access::state<decltype(product)>(*graph).grad[0].fill(-7.f);
  zero_grad(p);
  graph->backward();
  for (std::size_t i = 0; i < 6; ++i) {
    REQUIRE(p.a.grad[i] == a_grad[i]);
    REQUIRE(graph->grad(h)[i] == h_grad[i]);
  }
  for (std::size_t i = 0; i < 36; ++i) REQUIRE(p.w.grad[i] == w_grad[i]);
}
