// The micro-ViT: its size against LeNet-1's, read off both compiled graphs;
// a gradient check of the whole model; one pass of micro_vit train on the data.
#include <boost/hana/length.hpp>

#include "lenet1/train.hpp"
#include "micro_vit/model.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/run_program.hpp"

namespace {
using VitGraph = ctgrad::Graph<decltype(micro_vit::Model::loss(std::declval<micro_vit::Params&>(),
                                                                ctgrad::no_dropout, 0.f)),
                               ctgrad::kernels::Simd>;
using LeNetGraph = lenet1::TrainingGraph<ctgrad::kernels::Simd>;
}  // namespace

TEST_CASE("micro-ViT parameters and MACs are within 40% of LeNet-1's", "[microvit]") {
  constexpr auto vit = ctgrad::graph_totals<VitGraph>();
  constexpr auto lenet = ctgrad::graph_totals<LeNetGraph>();
  STATIC_REQUIRE(lenet.parameters == 9760);
  STATIC_REQUIRE(lenet.macs == 63660);
  STATIC_REQUIRE(vit.parameters >= lenet.parameters * 6 / 10);
  STATIC_REQUIRE(vit.parameters <= lenet.parameters * 14 / 10);
  STATIC_REQUIRE(vit.macs >= lenet.macs * 6 / 10);
  STATIC_REQUIRE(vit.macs <= lenet.macs * 14 / 10);
  // The parameter leaves of the graph are exactly the struct's parameters.
  STATIC_REQUIRE(vit.parameters == ctgrad::parameter_count<micro_vit::Params>());
}

TEMPLATE_TEST_CASE("the whole micro-ViT passes a gradient check", "[microvit][gradcheck]", ctgrad::kernels::Scalar,
                   ctgrad::kernels::Simd) {
  auto params = std::make_unique<micro_vit::Params>();
  micro_vit::initialize(*params, 5);
  auto loss = micro_vit::Model::loss(*params, ctgrad::no_dropout, 0.f);
  auto graph = std::make_unique<ctgrad::Graph<decltype(loss), TestType>>(loss);
  std::mt19937 rng(6);
  ctgrad::testing::randomize(graph->template input<"x">(), rng);
  graph->template input<"target">().fill(0.f);
  graph->template input<"target">()[3] = 1.f;
  ctgrad::testing::check_gradients(*graph, *params);
}

TEST_CASE("one pass of micro_vit train reaches test error below 20%", "[microvit][e2e]") {
  const auto run = ctgrad::testing::run_program(std::string(CTGRAD_MICRO_VIT_EXE) + " train --passes 1 --data " +
                                                CTGRAD_DATA_DIR);
  INFO(run.output);
  REQUIRE(run.status == 0);
  const auto at = run.output.find("split test . loss");
  REQUIRE(at != std::string::npos);
  const auto error_at = run.output.find("error ", at);
  REQUIRE(std::stod(run.output.substr(error_at + 6)) < 20.0);
}
