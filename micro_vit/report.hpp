#pragma once
// micro_vit report RUN_DIR: the pictures of a run folder written by --out.
#include <filesystem>

namespace micro_vit {

// Writes learning_curves.png, mistakes.png and patch_filters.png (the patch
// embedding's filters, one 4x4 image per embedding unit) into run_dir.
// data_dir overrides the data folder recorded in the run's config.json.
void write_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir);

}  // namespace micro_vit
