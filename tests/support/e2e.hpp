#pragma once
// What the end-to-end tests of the programs share: where the programs and the
// data are, a fresh scratch folder, and a run that must succeed.
#include <filesystem>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/run_program.hpp"

namespace ctgrad::testing {

inline const std::string lenet1_exe = CTGRAD_LENET1_EXE;
inline const std::string micro_vit_exe = CTGRAD_MICRO_VIT_EXE;
inline const std::string lenet5_exe = CTGRAD_LENET5_EXE;
inline const std::string data_dir = CTGRAD_DATA_DIR;

// An empty folder <tmp>/<prefix>_<pid>/<name>, emptied if it was there.
inline std::filesystem::path scratch_dir(const std::string& prefix, const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(::getpid())) / name;
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
