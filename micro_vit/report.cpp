#include "micro_vit/report.hpp"

#include <cstdio>
#include <vector>

#include "micro_vit/instances.hpp"
#include "report/run_report.hpp"

namespace micro_vit {

void write_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir) {
  const auto config = ctgrad::training::config_from_json(run_dir / "config.json");
  if (config.variant != "micro_vit")
    ctgrad::io::fail(run_dir / "config.json", "expected a micro_vit run, found variant '" + config.variant + "'");
  report::write_run_report<Model>(run_dir, data_dir, "micro_vit", [](Params& params, const auto& dir) {
    // embed_w is [patch pixel, unit]: unit u's filter is column u.
    std::vector<float> filters(width * patch_features);
    for (std::size_t unit = 0; unit < width; ++unit)
      for (std::size_t pixel = 0; pixel < patch_features; ++pixel)
        filters[unit * patch_features + pixel] = params.embed_w.value[pixel * width + unit];
    report::write_kernel_grid(dir / "patch_filters.png", filters, width, patch, "patch embedding filters (4x4)");
  });
  std::printf("report: %s/{learning_curves,mistakes,patch_filters}.png\n", run_dir.c_str());
}

}  // namespace micro_vit
