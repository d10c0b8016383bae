#include "lenet5/export.hpp"

#include <ctgrad/train/export.hpp>

#include "lenet5/instances.hpp"
#include "lenet5/recipes.hpp"

namespace lenet5 {

void export_model(const ctgrad::training::ExportRequest& request, std::ostream& log) {
  using ctgrad::training::export_onnx;
  const std::string variant = ctgrad::training::exported_variant(request, [](const std::string& name) {
    for (const Recipe& recipe : recipes)
      if (recipe.name == name) return recipe.config.variant;
    throw ctgrad::training::UsageError("--recipe: expected a lenet5 recipe, found '" + name + "'");
  });
  if (variant == "modern")
    export_onnx<Model<Modern>>(request, log);
  else if (variant == "1998")
    export_onnx<Model<Paper>>(request, log);
  else
    throw ctgrad::training::UsageError("--weights: expected lenet5 weights (variant 1998 or modern), found variant '" +
                                       variant + "' in the config.json beside them");
}

}  // namespace lenet5
