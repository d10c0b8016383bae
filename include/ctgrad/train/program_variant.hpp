#pragma once
// The definitions of train/program.hpp's training run and export, for the
// files ctgrad_add_program generates (cmake/CtgradProgram.cmake), one per
// variant, which compile them for that variant's Model.
#include <ostream>
#include <vector>

#include "ctgrad/train/export.hpp"
#include "ctgrad/train/program.hpp"
#include "ctgrad/train/trainer.hpp"

namespace ctgrad::train {

template <class Model, class Teacher>
std::vector<PassResult> train_model(const TrainConfig& config, const Split& train_split, const Split& test_split,
                                    const RunPaths& paths) {
  return run_training<Model, kernels::Selected, Teacher>(
      config, train_split, test_split, paths,
      [&](typename Model::params_type& params) { Model::initialize(params, config); });
}

template <class Model>
void export_model(const ExportRequest& request, std::ostream& log) {
  export_onnx<Model>(request, log);
}

}  // namespace ctgrad::train
