#pragma once
// A run folder (--out): config.json, metrics.csv (io/metrics_csv.hpp), the
// final weights and the checkpoint.
#include <array>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "ctgrad/io/atomic_file.hpp"
#include "ctgrad/io/error.hpp"
#include "ctgrad/io/metrics_csv.hpp"
#include "ctgrad/train/model.hpp"
#include "ctgrad/train/results.hpp"

namespace ctgrad::train {

// Where a run's records go besides stdout: the run folder (--out) with
// metrics.csv, config.json and the final weights.
class RunFolder {
 public:
  RunFolder() = default;
  // The files a run writes into its folder.
  static constexpr std::array<const char*, 4> run_files = {"config.json", "metrics.csv", "weights.safetensors",
                                                          "checkpoint.safetensors"};
  // Refuses a folder that already holds a run (so a later command never
  // replaces a finished run) unless `overwrite`, which deletes that run's
  // files first; other files in the folder are left alone.
  static void claim(const std::filesystem::path& dir, bool overwrite) {
    if (std::filesystem::exists(dir) && !std::filesystem::is_directory(dir))
      throw UsageError("--out: expected a run folder, found a file named " + dir.string());
    std::string found;
    for (const char* name : run_files)
      if (std::filesystem::exists(dir / name)) found += (found.empty() ? "" : ", ") + std::string(name);
    if (found.empty()) return;
    if (!overwrite)
      throw UsageError("--out: " + dir.string() + " already holds a run (" + found +
                       "); give a new folder, continue it with --resume " + dir.string() +
                       ", or pass --overwrite to replace it");
    for (const char* name : run_files) std::filesystem::remove(dir / name);
  }

  // A new run folder: `config_json` (the run's configuration, as the
  // program writes it) into config.json, and a metrics.csv holding only the
  // header. Both are on disk before training starts, so a run killed before
  // its first evaluation still resumes.
  RunFolder(const std::filesystem::path& dir, const std::string& config_json) : dir_(dir) {
    std::filesystem::create_directories(dir);
    io::write_text_atomically(dir / "config.json", config_json);
    start_metrics("");
  }

  // An existing run folder, continued: metrics.csv keeps the rows of the
  // first `passes_done` passes (later ones were written after the checkpoint,
  // and are computed again).
  // record() ends every row with a newline, so an unterminated last line is
  // a write cut short by a crash, and is dropped. Any other line that does
  // not parse is refused (io::Error naming the file and line) rather than
  // dropped: it was not written by a run, and dropping it would silently
  // lose passes from the learning curves.
  static RunFolder reopen(const std::filesystem::path& dir, int passes_done) {
    const std::filesystem::path file = dir / "metrics.csv";
    std::string text = io::read_metrics_text(file);
    const std::size_t last_newline = text.rfind('\n');
    text.resize(last_newline == std::string::npos ? 0 : last_newline + 1);
    std::string kept;
    if (!text.empty())
      for (const io::MetricsRow& row : io::parse_metrics_csv(text, file))
        if (row.pass <= passes_done) kept += io::format_metrics_row(row);
    RunFolder folder;
    folder.dir_ = dir;
    folder.start_metrics(kept);
    return folder;
  }

  std::filesystem::path checkpoint_path() const { return dir_ / "checkpoint.safetensors"; }
  std::filesystem::path weights_path() const { return dir_ / "weights.safetensors"; }
  const std::filesystem::path& dir() const { return dir_; }
  bool active() const { return !dir_.empty(); }

  // Appends the pass's two rows, train then test, and flushes them.
  void record(const PassResult& result) {
    if (!active()) return;
    for (const auto& [split, evaluation] : {std::pair{"train", &result.train}, std::pair{"test", &result.test}})
      metrics_ << io::format_metrics_row({result.pass, split, evaluation->loss, evaluation->error_percent(),
                                          evaluation->misses, result.seconds});
    metrics_.flush();
    if (!metrics_) io::fail(dir_ / "metrics.csv", "expected to append the rows of pass " +
                                                      std::to_string(result.pass) + ", found a write error");
  }

 private:
  // metrics.csv replaced atomically by the header and `rows` (a kill right
  // now must not lose rows kept on resume), then opened for appending.
  void start_metrics(const std::string& rows) {
    const std::filesystem::path file = dir_ / "metrics.csv";
    io::write_text_atomically(file, std::string(io::metrics_csv_header) + "\n" + rows);
    metrics_.open(file, std::ios::app | std::ios::binary);
    if (!metrics_) io::fail(file, "expected a metrics file to append to, found it cannot be opened");
  }

  std::filesystem::path dir_;
  std::ofstream metrics_;
};

}  // namespace ctgrad::train
