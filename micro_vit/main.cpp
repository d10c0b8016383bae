// micro_vit: a micro vision transformer of LeNet-1's size on the same digits,
// trained with the modern recipe (cross-entropy, AdamW with linear decay,
// 1-pixel shifts, dropout before the head).
//   micro_vit train   train and evaluate after every pass (lenet1's eval lines)
//   micro_vit report  a run folder's learning curves, test mistakes, patch filters (PNG)
#include <cstdio>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "micro_vit/report.hpp"
#include "micro_vit/run.hpp"

namespace {

using namespace ctgrad::training;

template <class K>
int train_with(const TrainConfig& config, const RunPaths& paths) {
  const auto splits = load_splits(config.data);
  micro_vit::train_on<K>(config, splits.train, splits.test, paths);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"micro_vit: a micro vision transformer of LeNet-1's size, trained on the same 16x16 digits"};
  app.require_subcommand(1);

  // The default recipe: lenet1's "modern" (docs/results.md).
  TrainConfig config;
  config.recipe = "micro_vit";
  config.variant = "micro_vit";
  config.passes = 80;
  config.learning_rate = 3e-4;
  config.optimizer = "adamw";
  config.learning_rate_decay = true;
  config.augment = true;
  config.dropout = 0.1;
  config.output_bias = 0;
  config.threads = std::max(1u, std::thread::hardware_concurrency());
  RunPaths paths;
  std::filesystem::path init;
  bool augment = true;

  auto* train = app.add_subcommand("train", "Train the micro-ViT and evaluate after every pass");
  train->add_option("--data", config.data, "Folder with the .npy files from 'lenet1 prepare'")->capture_default_str();
  train->add_option("--passes", config.passes, "Passes over the training set")->check(CLI::PositiveNumber)->capture_default_str();
  train->add_option("--lr", config.learning_rate, "AdamW learning rate (decays linearly to a third)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  train->add_option("--dropout", config.dropout, "Dropout before the head")->check(CLI::Range(0.0, 0.95))->capture_default_str();
  train->add_flag("--augment,!--no-augment", augment, "Random 1-pixel shifts of the training images (default on)");
  train->add_option("--seed", config.seed, "Seed of the initialisation, dropout and shifts")->capture_default_str();
  train->add_option("--init", init, "Start from these weights (safetensors)")->check(CLI::ExistingFile);
  train->add_option("--steps", config.steps, "Stop after this many steps in total (0: evaluate only)")
      ->check(CLI::NonNegativeNumber);
  train->add_option("--save", paths.save, "Write the final weights here (safetensors)");
  train->add_option("--out", paths.out, "Run folder: metrics.csv, config.json, weights.safetensors");
  train->add_flag("--overwrite", paths.overwrite, "Let --out replace a run already in its folder");
  train->add_option("--threads", config.threads,
                    "Threads for minibatch steps and evaluation (the results do not depend on it)")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  train->add_option("--batch", config.batch,
                    "Examples per step (1: per-example steps in data order, else shuffled minibatches whose loss is "
                    "the mean over the batch)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}))
      ->capture_default_str();
  train->add_flag("--one-cycle,!--no-one-cycle", config.one_cycle,
                  "One-cycle schedule peaking at --lr, per step, instead of the linear decay");
  train->add_option("--warmup", config.warmup, "The one-cycle warm-up, a fraction of all steps")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  train->add_option("--target-test-error", config.target_test_error,
                    "Stop after the first pass whose test error (%) is at most this (0: never)")
      ->check(CLI::Range(0.0, 100.0));
  train->add_option("--kernels", config.kernels, "Kernel path")->check(CLI::IsMember({"simd", "scalar"}))->capture_default_str();
  train->add_option("--checkpoint-every", config.checkpoint_every,
                    "Write a resumable checkpoint into the run folder every N steps (0: never)")
      ->check(CLI::NonNegativeNumber);
  auto* resume_option = train->add_option(
      "--resume", paths.resume,
      "Continue the run in this folder from its checkpoint (after a crash, a kill or Ctrl-C) with its own settings");
  for (const char* name : {"--passes", "--lr", "--dropout", "--augment", "--init", "--steps", "--out", "--overwrite",
                           "--checkpoint-every", "--seed", "--kernels", "--batch", "--one-cycle", "--warmup",
                           "--target-test-error"})
    resume_option->excludes(train->get_option(name));

  std::filesystem::path report_dir, report_data;
  auto* report =
      app.add_subcommand("report", "Draw a run folder's learning curves, test mistakes and patch filters (PNG)");
  report->add_option("RUN_DIR", report_dir, "A run folder written by 'micro_vit train --out'")->required();
  report->add_option("--data", report_data, "Data folder (default: the one the run used)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "micro_vit: %s\n", error.what());
    return 2;
  }
  config.augment = augment;
  config.init = init.string();
  try {
    if (*report) {
      micro_vit::write_report(report_dir, report_data);
      return 0;
    }
    if (!paths.resume.empty())
      config = resume_config(paths.resume, {"micro_vit"}, "micro_vit", config.threads,
                             train->get_option("--data")->count() > 0 ? config.data : "");
    return config.kernels == "scalar" ? train_with<ctgrad::kernels::Scalar>(config, paths)
                                      : train_with<ctgrad::kernels::Simd>(config, paths);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "micro_vit: %s\n", error.what());
    return 2;
  } catch (const Interrupted& error) {
    std::fprintf(stderr, "micro_vit: %s\n", error.what());
    return 130;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "micro_vit: %s\n", error.what());
    return 1;
  }
}
