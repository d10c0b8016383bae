#pragma once
// What the end-to-end tests of the programs share: where the programs and the
// data are, a fresh scratch folder, and a run that must succeed.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include <unistd.h>

#include <catch2/catch.hpp>

#include <ctgrad/io/npy.hpp>

#include "tests/support/run_program.hpp"

namespace ctgrad::testing {

inline const std::string lenet1_exe = CTGRAD_LENET1_EXE;
inline const std::string micro_vit_exe = CTGRAD_MICRO_VIT_EXE;
inline const std::string lenet5_exe = CTGRAD_LENET5_EXE;
inline const std::string data_dir = CTGRAD_DATA_DIR;

// An empty folder <tmp>/<prefix>_<pid>/<name>, emptied if it was there.
// Every <tmp>/<prefix>_<pid> made is removed, with all in it, when the test
// program exits (after a failed REQUIRE too: Catch2 returns from main).
inline std::filesystem::path scratch_dir(const std::string& prefix, const std::string& name) {
  static struct Roots {
    std::set<std::filesystem::path> made;
    ~Roots() {
      for (const auto& root : made) {
        std::error_code ignored;
        std::filesystem::remove_all(root, ignored);
      }
    }
  } roots;
  const auto root = std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(::getpid()));
  roots.made.insert(root);
  auto dir = root / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs a command that must succeed; returns its output.
inline std::string run_ok(const std::string& command) {
  const auto run = run_program(command);
  INFO(command << " -> " << run.output);
  REQUIRE(run.status == 0);
  return run.output;
}

// A data folder `to` holding the first `train` and `test` examples of the
// prepared data folder `from` (train_images.npy, train_labels.npy and the
// test pair): real data, but few enough that evaluating both splits after a
// pass costs little, for tests whose point is not the accuracy.
inline void first_examples(const std::filesystem::path& from, const std::filesystem::path& to, std::size_t train,
                           std::size_t test) {
  std::filesystem::create_directories(to);
  for (const auto& [split, count] : {std::pair<std::string, std::size_t>{"train", train}, {"test", test}}) {
    auto images = io::read_npy<float>(from / (split + "_images.npy"));
    auto labels = io::read_npy_labels(from / (split + "_labels.npy"));
    REQUIRE(images.shape.size() > 1);
    REQUIRE(images.shape[0] >= count);
    REQUIRE(labels.values.size() >= count);
    images.values.resize(images.values.size() / images.shape[0] * count);
    images.shape[0] = count;
    labels.values.resize(count);
    io::write_npy<float>(to / (split + "_images.npy"), images.shape, images.values);
    const std::size_t label_shape[] = {count};
    io::write_npy<std::int64_t>(to / (split + "_labels.npy"), label_shape, labels.values);
  }
}

}  // namespace ctgrad::testing
