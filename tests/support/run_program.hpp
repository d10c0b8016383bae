#pragma once
// Runs a program through the shell and returns its exit status and output.
#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace ctgrad::testing {

struct ProgramResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

inline ProgramResult run_program(const std::string& command) {
  ProgramResult result;
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  std::size_t got;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), got);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace ctgrad::testing
