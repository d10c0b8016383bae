// Nothing lost: runs killed with SIGKILL at arbitrary moments, or stopped with
// Ctrl-C, and resumed, end with weights bit-identical to an uninterrupted run
// (parameters, AdamW moments, the generator and the data position are all in
// the checkpoint). The modern recipe is used because it has every kind of
// state: AdamW, a decaying rate, dropout masks and random shifts.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/support/run_program.hpp"

using ctgrad::testing::BackgroundProgram;
using ctgrad::testing::run_program;

namespace {

const std::string lenet1_exe = CTGRAD_LENET1_EXE;
const std::string micro_vit_exe = CTGRAD_MICRO_VIT_EXE;
const std::string data_dir = CTGRAD_DATA_DIR;

std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("ctgrad_resume_" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

// metrics.csv without its wall-clock column: what must agree between runs.
std::vector<std::string> metrics_rows(const std::filesystem::path& run) {
  std::vector<std::string> rows;
  std::ifstream stream(run / "metrics.csv");
  for (std::string line; std::getline(stream, line);) rows.push_back(line.substr(0, line.rfind(',')));
  return rows;
}

// Runs a command that must succeed; returns its output.
std::string run_ok(const std::string& command) {
  const auto run = run_program(command);
  INFO(command << " -> " << run.output);
  REQUIRE(run.status == 0);
  return run.output;
}

// Waits (up to a minute) until `ready` holds or the program ends; true if ready.
template <class Ready>
bool wait_until(BackgroundProgram& program, Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    if (program.ended()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// Starts `command` (a training run with --checkpoint-every into `run`), kills
// it with SIGKILL a random moment after its first checkpoint, resumes it with
// `resume_command`, kills that too, and so on `kills` times; then lets the
// last resume finish. Returns how many kills actually hit a running process.
int train_with_kills(const std::string& command, const std::string& resume_command, const std::filesystem::path& run,
                     int kills, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(0, 250);
  int hits = 0;
  std::string next = command;
  for (int round = 0; round < kills; ++round) {
    BackgroundProgram program(next, run.parent_path() / ("log" + std::to_string(round)));
    REQUIRE(program.started());
    if (wait_until(program, [&] { return std::filesystem::exists(run / "checkpoint.safetensors"); })) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
      program.signal(SIGKILL);
    }
    const int status = program.wait();
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
      ++hits;
    } else {
      INFO(file_bytes(run.parent_path() / ("log" + std::to_string(round))));
      REQUIRE(WIFEXITED(status));
      REQUIRE(WEXITSTATUS(status) == 0);
      return hits;  // finished before the kill: nothing left to resume
    }
    next = resume_command;
  }
  REQUIRE(run_ok(resume_command).find("resume: at step") != std::string::npos);
  return hits;
}

}  // namespace

TEST_CASE("lenet1: SIGKILL at random moments, then --resume, gives weights bit-identical to an uninterrupted run",
          "[e2e][resume]") {
  const auto dir = scratch_dir("kill");
  const std::string flags = " train --recipe modern --passes 2 --seed 7 --threads 2 --data " + data_dir;
  run_ok(lenet1_exe + flags + " --out " + (dir / "whole").string());

  const auto run = dir / "killed";
  const int hits = train_with_kills(lenet1_exe + flags + " --checkpoint-every 300 --out " + run.string(),
                                    lenet1_exe + " train --resume " + run.string(), run, 4, 2024);
  REQUIRE(hits >= 1);
  const std::string expected = file_bytes(dir / "whole" / "weights.safetensors");
  REQUIRE(expected.size() > 9760 * 4);
  REQUIRE(file_bytes(run / "weights.safetensors") == expected);
  // The per-pass evaluations are complete, once each, and the same.
  CHECK(metrics_rows(run) == metrics_rows(dir / "whole"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("lenet1: Ctrl-C saves a checkpoint (into a new folder without --out), exits 130, and resumes exactly",
          "[e2e][resume]") {
  const auto dir = scratch_dir("sigint");
  const std::string flags = " train --recipe modern --passes 1 --seed 5 --data " + data_dir;
  run_ok(lenet1_exe + flags + " --save " + (dir / "whole.safetensors").string());

  std::filesystem::create_directories(dir / "cwd" / "interrupted-run");  // an older folder: must stay untouched
  {
    std::ofstream(dir / "cwd" / "interrupted-run" / "keep.txt") << "a user's file\n";
  }
  const auto log = dir / "sigint.log";
  BackgroundProgram program(lenet1_exe + flags, log, dir / "cwd");
  REQUIRE(program.started());
  // The handler is installed before the "data:" line is printed.
  REQUIRE(wait_until(program, [&] { return file_bytes(log).find("data: ") != std::string::npos; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  program.signal(SIGINT);
  const int status = program.wait();
  INFO(file_bytes(log));
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 130);
  REQUIRE(file_bytes(log).find("--resume interrupted-run-2") != std::string::npos);
  REQUIRE(file_bytes(dir / "cwd" / "interrupted-run" / "keep.txt") == "a user's file\n");
  const auto run = dir / "cwd" / "interrupted-run-2";
  REQUIRE(std::filesystem::exists(run / "checkpoint.safetensors"));

  run_ok(lenet1_exe + " train --resume " + run.string() + " --save " + (dir / "resumed.safetensors").string());
  REQUIRE(file_bytes(dir / "resumed.safetensors") == file_bytes(dir / "whole.safetensors"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("micro_vit: SIGKILL, then --resume, gives weights bit-identical to an uninterrupted run", "[e2e][resume]") {
  const auto dir = scratch_dir("vit");
  const std::string flags = " train --steps 1500 --seed 3 --data " + data_dir;
  run_ok(micro_vit_exe + flags + " --save " + (dir / "whole.safetensors").string());
  const auto run = dir / "killed";
  const int hits = train_with_kills(micro_vit_exe + flags + " --checkpoint-every 200 --out " + run.string(),
                                    micro_vit_exe + " train --resume " + run.string(), run, 2, 7);
  REQUIRE(hits >= 1);
  REQUIRE(file_bytes(run / "weights.safetensors") == file_bytes(dir / "whole.safetensors"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("--resume and --checkpoint-every refuse what they cannot honour", "[e2e][resume]") {
  const auto dir = scratch_dir("usage");
  const auto run = dir / "run";
  run_ok(lenet1_exe + " train --steps 20 --checkpoint-every 10 --data " + data_dir + " --out " + run.string());
  REQUIRE(std::filesystem::exists(run / "checkpoint.safetensors"));

  struct Case {
    std::string command, says;
    int status;
  };
  const std::vector<Case> cases = {
      {lenet1_exe + " train --checkpoint-every 10 --data " + data_dir, "needs --out", 2},
      {micro_vit_exe + " train --checkpoint-every 10 --data " + data_dir, "needs --out", 2},
      {lenet1_exe + " train --resume " + dir.string(), "checkpoint.safetensors", 2},
      {lenet1_exe + " train --resume " + run.string() + " --lr 0.1", "excludes", 2},
      {micro_vit_exe + " train --resume " + run.string(), "not a micro_vit one", 2},
  };
  for (const auto& c : cases) {
    const auto result = run_program(c.command);
    INFO(c.command << " -> " << result.output);
    CHECK(result.status == c.status);
    CHECK(result.output.find(c.says) != std::string::npos);
  }
  // A damaged checkpoint is named, not trusted.
  std::ofstream(run / "checkpoint.safetensors", std::ios::trunc) << "not a checkpoint";
  const auto damaged = run_program(lenet1_exe + " train --resume " + run.string());
  INFO(damaged.output);
  CHECK(damaged.status == 1);
  CHECK(damaged.output.find("checkpoint.safetensors") != std::string::npos);
  std::filesystem::remove_all(dir);
}
