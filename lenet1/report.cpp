#include "lenet1/report.hpp"

#include <cstdio>

#include "lenet1/instances.hpp"
#include "report/run_report.hpp"

namespace lenet1 {

void write_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir) {
  report::write_variant_report<Variants, Model>(run_dir, data_dir, "lenet1", [](Params& params, const auto& dir) {
    report::write_kernel_grid(dir / "h1_kernels.png", params.H1w.value.span(), 12, 5, "H1 kernels (5x5)");
  });
  std::printf("report: %s/{learning_curves,mistakes,h1_kernels}.png\n", run_dir.c_str());
}

}  // namespace lenet1
