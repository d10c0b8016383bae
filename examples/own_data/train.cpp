// The training run: the library's trainer on this model and the data folder
// the flags name. A file of its own, so that main.cpp (the flags) and
// model.cpp (the graph) compile beside it.
#include <ctgrad/train/trainer.hpp>

#include "model.hpp"
#include "train.hpp"

namespace own_data {

using namespace ctgrad::train;

void train(const TrainConfig& config, const RunPaths& paths) {
  const Splits splits = load_splits<Model>(config.data);
  run_training<Model, ctgrad::kernels::Selected>(config, splits.train, splits.test, paths,
                                                 [&](Params& params) { initialize(params, config.seed); });
}

}  // namespace own_data
