#include "lenet1/report.hpp"

#include <cstdio>

#include "lenet1/instances.hpp"
#include "report/run_report.hpp"

namespace lenet1 {

namespace {

template <class Variant>
void report_variant(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir) {
  report::write_run_report<Model<Variant>>(run_dir, data_dir, "lenet1", [](Params& params, const auto& dir) {
    report::write_kernel_grid(dir / "h1_kernels.png", params.H1w.value.span(), 12, 5, "H1 kernels (5x5)");
  });
}

}  // namespace

void write_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir) {
  const std::string variant = ctgrad::train::config_from_json(run_dir / "config.json").variant;
  if (variant == "modern")
    report_variant<Modern>(run_dir, data_dir);
  else if (variant == "softmax")
    report_variant<Softmax>(run_dir, data_dir);
  else if (variant == "1989")
    report_variant<Classic>(run_dir, data_dir);
  else
    ctgrad::io::fail(run_dir / "config.json", "expected a lenet1 run (variant 1989, softmax or modern), found variant '" +
                                                  variant + "'");
  std::printf("report: %s/{learning_curves,mistakes,h1_kernels}.png\n", run_dir.c_str());
}

}  // namespace lenet1
