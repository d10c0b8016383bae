#include "lenet5/report.hpp"

#include <cstdio>

#include "lenet5/instances.hpp"
#include "report/run_report.hpp"

namespace lenet5 {

void write_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir) {
  report::write_variant_report<Variants, Model>(run_dir, data_dir, "lenet5", [](auto& params, const auto& dir) {
    report::write_kernel_grid(dir / "c1_kernels.png", params.c1w.value.span(), 6, 5, "C1 kernels (5x5)");
  });
  std::printf("report: %s/{learning_curves,mistakes,c1_kernels}.png\n", run_dir.c_str());
}

}  // namespace lenet5
