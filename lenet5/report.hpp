#pragma once
// lenet5 report RUN_DIR: the pictures of a run folder written by --out.
#include <filesystem>

namespace lenet5 {

// Writes learning_curves.png, mistakes.png and c1_kernels.png (C1's six 5x5
// kernels) into run_dir; data_dir overrides the run's recorded data folder.
void write_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir);

}  // namespace lenet5
