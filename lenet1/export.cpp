#include "lenet1/export.hpp"

#include "lenet1/model.hpp"
#include "lenet1/recipes.hpp"

namespace lenet1 {

void export_model(const ctgrad::train::ExportRequest& request, std::ostream& log) {
  const std::string variant = ctgrad::train::exported_variant(request, [](const std::string& name) {
    for (const Recipe& recipe : recipes)
      if (recipe.name == name) return recipe.config.variant;
    throw ctgrad::train::UsageError("--recipe: expected a lenet1 recipe, found '" + name + "'");
  });
  if (variant == "modern")
    export_variant<Modern>(request, log);
  else if (variant == "softmax")
    export_variant<Softmax>(request, log);
  else if (variant == "1989")
    export_variant<Classic>(request, log);
  else
    throw ctgrad::train::UsageError("--weights: expected lenet1 weights (variant 1989, softmax or modern), found "
                                    "variant '" + variant + "' in the config.json beside them");
}

}  // namespace lenet1
