// The micro-ViT: its size against LeNet-1's, read off both compiled graphs;
// a gradient check of the whole model; one pass of micro_vit train on the data.
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <boost/hana/length.hpp>

#include "lenet1/instances.hpp"
#include "micro_vit/instances.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/run_program.hpp"
#include "tests/support/kernel_check.hpp"

namespace {
using VitGraph = ctgrad::Graph<decltype(micro_vit::Model::loss(std::declval<micro_vit::Params&>(),
                                                                ctgrad::no_dropout, 0.f)),
                               ctgrad::kernels::Selected>;
using LeNetGraph = lenet1::TrainingGraph<ctgrad::kernels::Selected>;
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

TEST_CASE("the whole micro-ViT passes a gradient check", "[microvit][gradcheck]") {
  using TestType = ctgrad::kernels::Selected;  // on every kernel set this CPU runs
  const ctgrad::testing::SelectedSet set(*GENERATE(from_range(ctgrad::testing::sets_here())));
  INFO("kernel set " << set.name());
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

TEST_CASE("one pass of micro_vit train reaches test error below 20%, and micro_vit report draws its run folder",
          "[microvit][e2e]") {
  const std::string exe = CTGRAD_MICRO_VIT_EXE;
  const auto dir = std::filesystem::temp_directory_path() / ("ctgrad_microvit_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto run = ctgrad::testing::run_program(exe + " train --passes 1 --data " + CTGRAD_DATA_DIR + " --out " +
                                                (dir / "run").string());
  INFO(run.output);
  REQUIRE(run.status == 0);
  const auto at = run.output.find("split test . loss");
  REQUIRE(at != std::string::npos);
  const auto error_at = run.output.find("error ", at);
  REQUIRE(std::stod(run.output.substr(error_at + 6)) < 20.0);

  const auto report = ctgrad::testing::run_program(exe + " report " + (dir / "run").string());
  INFO(report.output);
  REQUIRE(report.status == 0);
  for (const char* picture : {"learning_curves.png", "mistakes.png", "patch_filters.png"}) {
    std::ifstream png(dir / "run" / picture, std::ios::binary);
    char signature[8] = {};
    png.read(signature, 8);
    INFO(picture);
    REQUIRE(std::string(signature + 1, 3) == "PNG");
  }
  // A lenet1 run folder is not drawn as a micro-ViT.
  const auto lenet = ctgrad::testing::run_program(std::string(CTGRAD_LENET1_EXE) + " train --steps 0 --data " +
                                                  CTGRAD_DATA_DIR + " --out " + (dir / "lenet").string());
  REQUIRE(lenet.status == 0);
  const auto refused = ctgrad::testing::run_program(exe + " report " + (dir / "lenet").string());
  INFO(refused.output);
  REQUIRE(refused.status != 0);
  REQUIRE(refused.output.find("expected a micro_vit run") != std::string::npos);
  std::filesystem::remove_all(dir);
}
