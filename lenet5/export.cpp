#include "lenet5/export.hpp"

#include "lenet5/model.hpp"
#include "lenet5/recipes.hpp"

namespace lenet5 {

void export_model(const ctgrad::train::ExportRequest& request, std::ostream& log) {
  const std::string variant = ctgrad::train::exported_variant(request, [](const std::string& name) {
    for (const Recipe& recipe : recipes)
      if (recipe.name == name) return recipe.config.variant;
    throw ctgrad::train::UsageError("--recipe: expected a lenet5 recipe, found '" + name + "'");
  });
  if (variant == "modern")
    export_variant<Modern>(request, log);
  else if (variant == "1998")
    export_variant<Paper>(request, log);
  else
    throw ctgrad::train::UsageError("--weights: expected lenet5 weights (variant 1998 or modern), found variant '" +
                                    variant + "' in the config.json beside them");
}

}  // namespace lenet5
