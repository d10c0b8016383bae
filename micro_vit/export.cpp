#include "micro_vit/export.hpp"

#include <ctgrad/train/export.hpp>

namespace micro_vit {

void export_model(const ctgrad::train::ExportRequest& request, std::ostream& log) {
  // One architecture: the check is that a run folder's config.json, or
  // --recipe, does not name another program's.
  const std::string variant = ctgrad::train::exported_variant(request, [](const std::string& name) {
    if (name != "micro_vit")
      throw ctgrad::train::UsageError("--recipe: expected micro_vit (the one recipe), found '" + name + "'");
    return name;
  });
  if (variant != "micro_vit")
    throw ctgrad::train::UsageError("--weights: expected micro_vit weights, found variant '" + variant +
                                    "' in the config.json beside them");
  const auto params = ctgrad::train::load_exported_weights<Model>(request);
  ctgrad::train::write_onnx_model<Model>(*params, request, log);
  write_test_scores(*params, request, log);
}

}  // namespace micro_vit
