#pragma once
// lenet1 report RUN_DIR: the pictures of a run folder written by --out.
#include <filesystem>

namespace lenet1 {

// Writes learning_curves.png, mistakes.png and h1_kernels.png into run_dir.
// data_dir overrides the data folder recorded in the run's config.json.
void write_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir);

}  // namespace lenet1
