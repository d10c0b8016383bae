#pragma once
// What the end-to-end tests of the programs share: where the programs and the
// data are, a fresh scratch folder, and a run that must succeed.
#include <filesystem>
#include <set>
#include <string>
#include <system_error>

#include <unistd.h>

#include <catch2/catch.hpp>

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

}  // namespace ctgrad::testing
