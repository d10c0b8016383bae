#pragma once
// Files for tests: an empty folder of the test's own, removed with everything
// in it when the object goes out of scope, and a file's bytes.
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

namespace ctgrad::testing {

struct TemporaryFolder {
  // <tmp>/ctgrad_<name>_<pid>; by default <name> is the test program's own
  // (glibc's program_invocation_short_name), so test executables running in
  // parallel never share a folder.
  explicit TemporaryFolder(const std::string& name = program_invocation_short_name)
      : path(std::filesystem::temp_directory_path() / ("ctgrad_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  ~TemporaryFolder() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

inline std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

}  // namespace ctgrad::testing
