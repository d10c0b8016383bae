#include "lenet5/report.hpp"

#include <cstdio>
#include <string>

#include "lenet5/instances.hpp"
#include "report/run_report.hpp"

namespace lenet5 {

namespace {

template <class Variant>
void report_variant(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir) {
  report::write_run_report<Model<Variant>>(run_dir, data_dir, "lenet5", [](auto& params, const auto& dir) {
    report::write_kernel_grid(dir / "c1_kernels.png", params.c1w.value.span(), 6, 5, "C1 kernels (5x5)");
  });
}

}  // namespace

void write_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir) {
  const std::string variant = ctgrad::train::config_from_json(run_dir / "config.json").variant;
  if (variant == "modern")
    report_variant<Modern>(run_dir, data_dir);
  else if (variant == "1998")
    report_variant<Paper>(run_dir, data_dir);
  else
    ctgrad::io::fail(run_dir / "config.json",
                     "expected a lenet5 run (variant 1998 or modern), found variant '" + variant + "'");
  std::printf("report: %s/{learning_curves,mistakes,c1_kernels}.png\n", run_dir.c_str());
}

}  // namespace lenet5
