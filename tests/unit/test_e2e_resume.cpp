// Nothing lost: runs killed with SIGKILL at random steps, or stopped with
// Ctrl-C, and resumed, end with weights bit-identical to an uninterrupted run
// (parameters, AdamW moments, the generator and the data position are all in
// the checkpoint). The modern recipe is used because it has every kind of
// state: AdamW, a decaying rate, dropout masks and random shifts.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/e2e.hpp"

using namespace ctgrad::testing;  // tests/support/e2e.hpp: the programs, run folders, signals

namespace {

std::filesystem::path scratch_dir(const std::string& name) { return ctgrad::testing::scratch_dir("ctgrad_resume", name); }

// metrics.csv without its wall-clock column: what must agree between runs.
std::vector<std::string> metrics_rows(const std::filesystem::path& run) {
  std::vector<std::string> rows;
  std::ifstream stream(run / "metrics.csv");
  for (std::string line; std::getline(stream, line);) rows.push_back(line.substr(0, line.rfind(',')));
  return rows;
}

// Starts `command` (a training run of `total_steps` steps with
// --checkpoint-every `every` into `run`), kills it with SIGKILL while it is
// paused at a random step after its first checkpoint, resumes it with
// `resume_command`, kills that at a later random step, and so on `kills`
// times; then lets the last resume finish. Every kill is checked to have hit
// the run mid-training, and every resume to have started from the last
// checkpoint before the kill.
void train_with_kills(const std::string& command, const std::string& resume_command, const std::filesystem::path& run,
                      long long every, long long total_steps, int kills, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<long long> pick(every, total_steps - 1);
  std::vector<long long> pauses;
  while (pauses.size() < static_cast<std::size_t>(kills)) {
    const long long step = pick(rng);
    if (std::find(pauses.begin(), pauses.end(), step) == pauses.end()) pauses.push_back(step);
  }
  std::sort(pauses.begin(), pauses.end());
  std::string next = command;
  for (int round = 0; round < kills; ++round) {
    const auto log = run.parent_path() / ("log" + std::to_string(round));
    BackgroundProgram program(paused_at(pauses[round], next), log);
    REQUIRE(program.started());
    const bool paused = wait_for_pause(program, log, pauses[round]);
    INFO("round " << round << ", pause at step " << pauses[round] << ":\n" << file_bytes(log));
    REQUIRE(paused);
    if (round > 0)
      REQUIRE(file_bytes(log).find("resume: at step " + std::to_string(pauses[round - 1] / every * every) + "\n") !=
              std::string::npos);
    program.signal(SIGKILL);
    const int status = program.wait();
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
    next = resume_command;
  }
  const std::string last = run_ok(resume_command);
  REQUIRE(last.find("resume: at step " + std::to_string(pauses.back() / every * every) + "\n") != std::string::npos);
}

}  // namespace

TEST_CASE("lenet1: SIGKILL at random moments, then --resume, gives weights bit-identical to an uninterrupted run",
          "[e2e][resume]") {
  const auto dir = scratch_dir("kill");
  const std::string flags = " train --recipe modern --passes 2 --seed 7 --threads 2 --data " + data_dir;
  run_ok(lenet1_exe + flags + " --out " + (dir / "whole").string());

  const auto run = dir / "killed";
  train_with_kills(lenet1_exe + flags + " --checkpoint-every 300 --out " + run.string(),
                   lenet1_exe + " train --resume " + run.string(), run, 300, 2 * 7291, 4, 2024);
  const std::string expected = file_bytes(dir / "whole" / "weights.safetensors");
  REQUIRE(expected.size() > 9760 * 4);
  REQUIRE(file_bytes(run / "weights.safetensors") == expected);
  // The per-pass evaluations are complete, once each, and the same.
  CHECK(metrics_rows(run) == metrics_rows(dir / "whole"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("lenet1: without --checkpoint-every a run folder keeps every pass's end: SIGKILL, then --resume, is exact",
          "[e2e][resume]") {
  const auto dir = scratch_dir("default");
  const std::string flags = " train --recipe modern --passes 2 --seed 9 --threads 2 --data " + data_dir;
  run_ok(lenet1_exe + flags + " --out " + (dir / "whole").string());
  REQUIRE(std::filesystem::exists(dir / "whole" / "checkpoint.safetensors"));  // the last pass's

  // Killed in the second pass, resumed from the end of the first (7,291 steps a pass).
  const auto run = dir / "killed";
  train_with_kills(lenet1_exe + flags + " --out " + run.string(), lenet1_exe + " train --resume " + run.string(), run,
                   7291, 2 * 7291, 1, 77);
  REQUIRE(file_bytes(run / "weights.safetensors") == file_bytes(dir / "whole" / "weights.safetensors"));
  CHECK(metrics_rows(run) == metrics_rows(dir / "whole"));

  // --checkpoint-every 0 keeps none.
  run_ok(lenet1_exe + " train --passes 1 --checkpoint-every 0 --data " + data_dir + " --out " + (dir / "none").string());
  CHECK(!std::filesystem::exists(dir / "none" / "checkpoint.safetensors"));
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
  BackgroundProgram program(paused_at(1234, lenet1_exe + flags), log, dir / "cwd");
  REQUIRE(program.started());
  const bool paused = wait_for_pause(program, log, 1234);
  INFO(file_bytes(log));
  REQUIRE(paused);
  program.signal(SIGINT);
  const int status = program.wait();
  INFO(file_bytes(log));
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 130);
  REQUIRE(file_bytes(log).find("interrupted at step 1234:") != std::string::npos);  // mid-run, where it paused
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
  train_with_kills(micro_vit_exe + flags + " --checkpoint-every 200 --out " + run.string(),
                   micro_vit_exe + " train --resume " + run.string(), run, 200, 1500, 2, 7);
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
      {paused_at(0, lenet1_exe + " train --steps 5 --data " + data_dir), "CTGRAD_PAUSE_AT_STEP", 2},
      {"env CTGRAD_PAUSE_AT_STEP=soon " + lenet1_exe + " train --steps 5 --data " + data_dir, "CTGRAD_PAUSE_AT_STEP", 2},
  };
  for (const auto& c : cases) {
    const auto result = run_program(c.command);
    INFO(c.command << " -> " << result.output);
    CHECK(result.status == c.status);
    CHECK(result.output.find(c.says) != std::string::npos);
  }
  // A config.json edited to a batch of 0 is named, not divided by.
  const std::string config = file_bytes(run / "config.json");
  {
    auto edited = nlohmann::json::parse(config);
    edited["batch"] = 0;
    std::ofstream(run / "config.json", std::ios::trunc) << edited.dump(2);
  }
  const auto zero_batch = run_program(lenet1_exe + " train --resume " + run.string());
  INFO(zero_batch.output);
  CHECK(zero_batch.status == 1);
  CHECK(zero_batch.output.find("config.json: expected 'batch' to be a whole number from 1 to 4096, found 0") != std::string::npos);
  std::ofstream(run / "config.json", std::ios::trunc) << config;
  // A damaged checkpoint is named, not trusted.
  std::ofstream(run / "checkpoint.safetensors", std::ios::trunc) << "not a checkpoint";
  const auto damaged = run_program(lenet1_exe + " train --resume " + run.string());
  INFO(damaged.output);
  CHECK(damaged.status == 1);
  CHECK(damaged.output.find("checkpoint.safetensors") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("--out refuses a folder holding a run unless --overwrite, for both programs", "[e2e][resume]") {
  const auto dir = scratch_dir("out");
  for (const std::string& exe : {lenet1_exe, micro_vit_exe}) {
    const auto run = dir / std::filesystem::path(exe).filename();
    run_ok(exe + " train --steps 20 --checkpoint-every 10 --data " + data_dir + " --out " + run.string());
    std::ofstream(run / "notes.txt") << "a user's notes\n";
    std::map<std::string, std::string> before;
    for (const char* name : {"config.json", "metrics.csv", "weights.safetensors", "checkpoint.safetensors"})
      before[name] = file_bytes(run / name);

    const auto refused = run_program(exe + " train --steps 5 --data " + data_dir + " --out " + run.string());
    INFO(refused.output);
    CHECK(refused.status == 2);
    CHECK(refused.output.find(run.string() + " already holds a run") != std::string::npos);
    CHECK(refused.output.find("--overwrite") != std::string::npos);
    for (const auto& [name, bytes] : before) CHECK(file_bytes(run / name) == bytes);  // nothing touched

    const auto replaced =
        run_program(exe + " train --steps 5 --overwrite --data " + data_dir + " --out " + run.string());
    INFO(replaced.output);
    CHECK(replaced.status == 0);
    CHECK(file_bytes(run / "config.json").find("\"steps\": 5") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(run / "checkpoint.safetensors"));  // the old run's, gone with it
    CHECK(file_bytes(run / "notes.txt") == "a user's notes\n");          // not the run's: kept

    const auto file = dir / "a_file";
    std::ofstream(file) << "x";
    const auto not_folder = run_program(exe + " train --steps 5 --data " + data_dir + " --out " + file.string());
    CHECK(not_folder.status == 2);
    CHECK(not_folder.output.find("found a file") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}
