#pragma once
// One error type for everything read from or written to disk. Its message is
// a single line: "<file>: expected <what>, found <what>".
#include <filesystem>
#include <stdexcept>
#include <string>

namespace ctgrad::io {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const std::filesystem::path& file, const std::string& what) {
  throw Error(file.string() + ": " + what);
}

}  // namespace ctgrad::io
