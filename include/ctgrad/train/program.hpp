#pragma once
// What a program's command line calls to train or export one of its
// variants, without compiling a model: the training run and the export of
// a Model are declared here and compiled once per variant, each in a file
// of its own, by the CMake function ctgrad_add_program
// (cmake/CtgradProgram.cmake; the definitions are train/program_variant.hpp's).
// So a program's main.cpp includes no trainer and no graph, and its
// variants compile side by side. The calls below take the variant's name
// (a recipe's, or a run folder's config.json) to its Model:
//
//   train_variant<Variants, Model, Teacher>(config, train_split, test_split, paths);
//   export_variant<Variants, Model>(request, recipes, "lenet1", std::cout);
//
// with Variants a VariantList (train/variants.hpp), Model the program's
// template from a variant tag to its trainer Model (train/model.hpp), and
// Teacher the Model whose weights --teacher loads (train/distill.hpp).
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ctgrad/train/config.hpp"
#include "ctgrad/train/errors.hpp"
#include "ctgrad/train/export_request.hpp"
#include "ctgrad/train/results.hpp"
#include "ctgrad/train/splits.hpp"
#include "ctgrad/train/variants.hpp"

namespace ctgrad::train {

struct NoTeacher;  // train/distill.hpp

// run_training of Model on kernels::Selected (train/trainer.hpp), its
// parameters initialized by Model::initialize(params, config).
template <class Model, class Teacher = NoTeacher>
std::vector<PassResult> train_model(const TrainConfig& config, const Split& train_split, const Split& test_split,
                                    const RunPaths& paths);

// export_onnx of Model (train/export.hpp).
template <class Model>
void export_model(const ExportRequest& request, std::ostream& log);

// The training run of the variant config.variant names.
template <class Variants, template <class> class ModelOf, class Teacher = NoTeacher>
std::vector<PassResult> train_variant(const TrainConfig& config, const Split& train_split, const Split& test_split,
                                      const RunPaths& paths) {
  if (!Variants::contains(config.variant))
    throw UsageError("--recipe: the recipe's variant '" + config.variant + "' is none of this program's" +
                     Variants::listed());
  return Variants::visit(config.variant, [&]<class Variant>() {
    return train_model<ModelOf<Variant>, Teacher>(config, train_split, test_split, paths);
  });
}

// `program export`: the variant of the weights (the run folder's
// config.json beside them, or --recipe's, one of `recipes`: structs with a
// name and a TrainConfig `config`) into an ONNX model.
template <class Variants, template <class> class ModelOf, class Recipes>
void export_variant(const ExportRequest& request, const Recipes& recipes, std::string_view program,
                    std::ostream& log) {
  const std::string variant = exported_variant(request, [&](const std::string& name) {
    for (const auto& recipe : recipes)
      if (recipe.name == name) return recipe.config.variant;
    throw UsageError("--recipe: expected a " + std::string(program) + " recipe, found '" + name + "'");
  });
  if (!Variants::contains(variant))
    throw UsageError("--weights: expected " + std::string(program) + " weights" + Variants::listed() +
                     ", found variant '" + variant + "' in the config.json beside them");
  Variants::visit(variant, [&]<class Variant>() { export_model<ModelOf<Variant>>(request, log); });
}

}  // namespace ctgrad::train
