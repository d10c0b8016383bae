#pragma once
// An empty folder of the test's own, <tmp>/ctgrad_<name>_<pid>, removed with
// everything in it when the object goes out of scope.
#include <filesystem>
#include <string>

#include <unistd.h>

namespace ctgrad::testing {

struct TemporaryFolder {
  explicit TemporaryFolder(const std::string& name)
      : path(std::filesystem::temp_directory_path() / ("ctgrad_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  ~TemporaryFolder() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

}  // namespace ctgrad::testing
