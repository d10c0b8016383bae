#pragma once
// What a program's `export` command is asked (train/export.hpp does it;
// train/cli.hpp's add_export_command reads it from the command line).
#include <filesystem>
#include <string>

#include "ctgrad/train/config.hpp"
#include "ctgrad/train/errors.hpp"

namespace ctgrad::train {

struct ExportRequest {
  std::filesystem::path weights;  // --weights: a safetensors file
  std::filesystem::path out;      // --out: the .onnx file to write
  std::string recipe;             // --recipe: which network the weights are for, if no run folder says
  std::filesystem::path data;     // --data and --scores: ctgrad's test-split outputs as .npy
  std::filesystem::path scores;
};

// The variant (architecture) of the weights: the one config.json beside them
// names (the run folder of `train --out`), or --recipe's. `variant_of_recipe`
// maps a recipe name to its variant, or throws UsageError for an unknown one.
template <class VariantOfRecipe>
std::string exported_variant(const ExportRequest& request, VariantOfRecipe&& variant_of_recipe) {
  const std::filesystem::path config_file = request.weights.parent_path() / "config.json";
  if (std::filesystem::exists(config_file)) {
    const std::string variant = config_from_json(config_file).variant;
    if (!request.recipe.empty() && variant_of_recipe(request.recipe) != variant)
      throw UsageError("--recipe: " + config_file.string() + " says the weights are variant '" + variant +
                       "', recipe '" + request.recipe + "' is variant '" + variant_of_recipe(request.recipe) + "'");
    return variant;
  }
  if (request.recipe.empty())
    throw UsageError("--recipe: expected the recipe the weights were trained with, found neither --recipe nor a "
                     "config.json beside " + request.weights.string());
  return variant_of_recipe(request.recipe);
}

}  // namespace ctgrad::train
