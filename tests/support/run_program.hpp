#pragma once
// Runs a program through the shell and returns its exit status and output.
#include <array>
#include <chrono>
#include <cstdio>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

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

// A whole file's bytes ("" if it cannot be read).
inline std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

// A program started in the background (through `sh -c "exec ..."`, so the
// pid is the program's own), its output going to `log`, for tests that send
// it signals.
class BackgroundProgram {
 public:
  BackgroundProgram(const std::string& command, const std::filesystem::path& log,
                    const std::filesystem::path& working_dir = {}) {
    const std::string script = "exec " + command + " >'" + log.string() + "' 2>&1";
    pid_ = ::fork();
    if (pid_ == 0) {
      if (!working_dir.empty() && ::chdir(working_dir.c_str()) != 0) ::_exit(127);
      ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  BackgroundProgram(const BackgroundProgram&) = delete;
  BackgroundProgram& operator=(const BackgroundProgram&) = delete;
  ~BackgroundProgram() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  bool started() const { return pid_ > 0; }
  bool running() const { return pid_ > 0 && !waited_; }
  void signal(int number) const { ::kill(pid_, number); }
  // The raw wait status; WIFSIGNALED / WEXITSTATUS tell how it ended.
  int wait() {
    if (!waited_) {
      ::waitpid(pid_, &status_, 0);
      waited_ = true;
    }
    return status_;
  }
  // True (and the status kept) if the program has ended.
  bool ended() {
    if (waited_) return true;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) waited_ = true;
    return waited_;
  }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool waited_ = false;
};

// Polls until `ready` holds or `program` ends; true if ready. The deadline
// only turns a hang into a failure: it is no guess at the program's speed.
template <class Ready>
bool wait_until(BackgroundProgram& program, Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    if (program.ended()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// `command` run with CTGRAD_PAUSE_AT_STEP=step: the trainer stops after that
// step and waits for a signal, so a test interrupts it there, mid-run,
// however fast or slow the machine is.
inline std::string paused_at(long long step, const std::string& command) {
  return "env CTGRAD_PAUSE_AT_STEP=" + std::to_string(step) + " " + command;
}

// True once the program's log says it has paused at `step`.
inline bool wait_for_pause(BackgroundProgram& program, const std::filesystem::path& log, long long step) {
  const std::string line = "paused at step " + std::to_string(step) + " ";
  return wait_until(program, [&] { return file_bytes(log).find(line) != std::string::npos; });
}

}  // namespace ctgrad::testing
