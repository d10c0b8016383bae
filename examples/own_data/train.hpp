#pragma once
// The training run (train.cpp): the library's trainer on this model, with
// the data of config.data. Declared apart from model.hpp so that main.cpp
// (the flags) does not recompile when the model changes.
#include <ctgrad/train/config.hpp>

namespace own_data {

void train(const ctgrad::train::TrainConfig& config, const ctgrad::train::RunPaths& paths);

}  // namespace own_data
