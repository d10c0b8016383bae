// Trains examples/own_data/model.hpp on any folder of .npy files of its shape
// with the library's trainer and its flags (docs/extending.md, section 5):
//   own_data train --data DIR [--passes N --lr X --batch B --out RUN ...]
// DIR holds {train,test}_images.npy (float32 [N, 3, 12, 12]) and
// {train,test}_labels.npy (integers [N] in 0..3).
#include <CLI/CLI.hpp>
#include <ctgrad/train/cli.hpp>

#include "train.hpp"

using namespace ctgrad::train;

int main(int argc, char** argv) {
  CLI::App app{"own_data: a small convnet trained on your own .npy files by ctgrad's trainer"};
  app.require_subcommand(1);
  auto* train = app.add_subcommand("train", "Train and evaluate after every pass");
  TrainConfig defaults;  // the library's defaults, with this program's recipe
  defaults.recipe = defaults.variant = "own_data";
  defaults.passes = 10;
  defaults.learning_rate = 3e-3;
  defaults.optimizer = "adamw";
  defaults.output_bias = 0;
  defaults.batch = 16;
  const TrainFlags flags(*train, defaults);
  return run_program(app, argc, argv, "own_data", [&] {
    own_data::train(flags.config(defaults, {"own_data"}, "own_data"), flags.paths());
  });
}
