// lenet5: LeCun et al. 1998's LeNet-5 on Fashion-MNIST (or any 28x28 images
// in [-1, 1], such as `lenet1 prepare --side 28`'s digits).
//   lenet5 prepare   the Debian package's IDX files into .npy splits
//   lenet5 train     train one recipe (default: 1998), evaluating after every pass
//   lenet5 report    a run folder's learning curves, test mistakes and C1 kernels (PNG)
//   lenet5 export    trained weights as an ONNX model (docs/deploying.md)
#include <algorithm>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <ctgrad/train/cli.hpp>
#include <ctgrad/train/program.hpp>

#include "lenet5/prepare.hpp"
#include "lenet5/recipes.hpp"
#include "lenet5/report.hpp"
#include "lenet5/variants.hpp"

namespace {

using namespace ctgrad::train;

// Evaluation and minibatch steps on every core (the numbers do not depend on it).
unsigned all_cores() { return std::max(1u, std::thread::hardware_concurrency()); }

void train_command(const std::string& recipe_name, const TrainFlags& flags) {
  TrainConfig config;
  if (flags.paths().resume.empty()) {
    TrainConfig base = recipe_named(lenet5::recipes, recipe_name).config;
    base.threads = all_cores();
    config = flags.config(base);
  } else {
    config = flags.config({}, lenet5::Variants::names, "lenet5");
  }
  if (config.dropout > 0) throw UsageError("--dropout: LeNet-5 has no dropout layer");
  const Splits splits =
      load_splits(config.data, lenet5::example_dims, lenet5::example_classes,
                  "run `lenet5 prepare` for Fashion-MNIST, or `lenet1 prepare --side 28` for the digits");
  train_variant<lenet5::Variants, lenet5::Model>(config, splits.train, splits.test, flags.paths());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lenet5: LeCun et al. 1998's LeNet-5 on Fashion-MNIST"};
  app.require_subcommand(1);

  lenet5::PrepareOptions options;
  auto* prepare = app.add_subcommand(
      "prepare", "Fashion-MNIST's IDX files (Debian package dataset-fashion-mnist) into .npy splits");
  prepare->add_option("--source", options.source, "Folder of the four *-idx?-ubyte.gz files")->capture_default_str();
  prepare->add_option("--out", options.out, "Where to write {train,test}_{images,labels}.npy")->capture_default_str();
  prepare->add_option("--side", options.side, "Image side: 28 as stored, or 16 resampled (for LeNet-1)")
      ->check(CLI::IsMember({28, 16}))
      ->capture_default_str();

  TrainConfig defaults = lenet5::recipes.front().config;
  defaults.threads = all_cores();
  const RecipeTrainCommand train(app, "Train LeNet-5 (a recipe, default the 1998 paper's) and evaluate after every pass",
                                 lenet5::recipes, defaults);

  ReportRequest report_request;
  auto* report = add_report_command(app, report_request, "lenet5", "C1 kernels");

  ExportRequest export_request;
  auto* export_command = add_export_command(app, export_request, "lenet5", recipe_names(lenet5::recipes));

  return run_program(app, argc, argv, "lenet5", [&] {
    if (*prepare)
      lenet5::prepare(options, std::cout);
    else if (*report)
      lenet5::write_report(report_request.run_dir, report_request.data);
    else if (*export_command)
      export_variant<lenet5::Variants, lenet5::Model>(export_request, lenet5::recipes, "lenet5", std::cout);
    else
      train_command(train.recipe(), train.flags());
  });
}
