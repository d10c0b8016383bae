#include "micro_vit/report.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "micro_vit/instances.hpp"
#include "report/run_report.hpp"

namespace micro_vit {

void write_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir) {
  report::write_variant_report<Variants, ModelOf>(run_dir, data_dir, "micro_vit", [](Params& params, const auto& dir) {
    // embed_w is [patch pixel, unit] (unit u's filter is column u), or with
    // overlapping patches [unit, 1, window, window] (one filter after another).
    std::vector<float> filters(width * window * window);
    if constexpr (overlap == 0) {
      for (std::size_t unit = 0; unit < width; ++unit)
        for (std::size_t pixel = 0; pixel < patch_features; ++pixel)
          filters[unit * patch_features + pixel] = params.embed_w.value[pixel * width + unit];
    } else {
      std::copy(params.embed_w.value.begin(), params.embed_w.value.end(), filters.begin());
    }
    const std::string title =
        "patch embedding filters (" + std::to_string(window) + "x" + std::to_string(window) + ")";
    report::write_kernel_grid(dir / "patch_filters.png", filters, width, window, title);
  });
  std::printf("report: %s/{learning_curves,mistakes,patch_filters}.png\n", run_dir.c_str());
}

}  // namespace micro_vit
