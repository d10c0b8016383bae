// Minibatch training end to end on the real digits: the trained weights do
// not depend on the thread count (lenet1 and micro_vit, batches that are and
// are not multiples of 8), a minibatch run killed mid-pass resumes
// bit-identically, the run's config.json carries the batch, and
// --target-test-error stops a run after the first pass at its target.
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ctgrad/io/metrics_csv.hpp"
#include "tests/support/e2e.hpp"

using namespace ctgrad::testing;  // tests/support/e2e.hpp: the programs, run folders, signals

namespace {

std::filesystem::path scratch_dir(const std::string& name) { return ctgrad::testing::scratch_dir("ctgrad_batch", name); }

// The weights `command --threads T --save ...` trains, for T = 1 and 2, must be equal byte for byte.
void same_weights_on_1_and_2_threads(const std::string& command, const std::filesystem::path& dir) {
  const auto one = dir / "threads1.safetensors", two = dir / "threads2.safetensors";
  run_ok(command + " --threads 1 --save " + one.string());
  run_ok(command + " --threads 2 --save " + two.string());
  REQUIRE(file_bytes(one).size() > 1000);
  REQUIRE(file_bytes(one) == file_bytes(two));
}

}  // namespace

TEST_CASE("lenet1: minibatch weights are bit-identical on 1 and 2 threads", "[e2e][batch]") {
  const auto dir = scratch_dir("lenet1");
  // The modern recipe: dropout masks and shifts in every shard. 16: two
  // shards of 8 a step; 12: one of 8 and four single examples.
  for (const char* batch : {"16", "12"}) {
    INFO("batch " << batch);
    same_weights_on_1_and_2_threads(lenet1_exe + " train --recipe modern --passes 1 --seed 3 --batch " + batch +
                                        " --data " + data_dir,
                                    dir);
  }
  // The 1989 network with SGD.
  same_weights_on_1_and_2_threads(lenet1_exe + " train --passes 1 --batch 32 --lr 0.3 --data " + data_dir, dir);
  std::filesystem::remove_all(dir);
}

TEST_CASE("micro_vit: minibatch weights are bit-identical on 1 and 2 threads", "[e2e][batch]") {
  const auto dir = scratch_dir("vit");
  same_weights_on_1_and_2_threads(
      micro_vit_exe + " train --passes 1 --batch 16 --one-cycle --lr 3e-3 --seed 2 --data " + data_dir, dir);
  std::filesystem::remove_all(dir);
}

TEST_CASE("lenet1: --target-test-error stops after the first pass at 5.0%, the documented time-to-error run",
          "[e2e][batch]") {
  // docs/performance.md's command (one-cycle SGD, batch 32): it reaches
  // 5.0% after pass 10 on the machine the docs were measured on; another
  // instruction set sums in another order, so the test asks only that the
  // target is reached well within the 20 passes and that the run stops there.
  const auto dir = scratch_dir("target");
  const std::string output = run_ok(lenet1_exe +
                                    " train --passes 20 --batch 32 --lr 0.8 --one-cycle --threads 2 "
                                    "--target-test-error 5.0 --data " +
                                    data_dir + " --out " + (dir / "run").string());
  INFO(output);
  const auto metrics = dir / "run" / "metrics.csv";
  std::vector<double> test_errors;
  for (const auto& row : ctgrad::io::parse_metrics_csv(file_bytes(metrics), metrics))
    if (row.split == "test") test_errors.push_back(row.error_percent);
  REQUIRE(!test_errors.empty());
  REQUIRE(test_errors.size() < 20);  // stopped early: after pass 8 to 10 for seeds 1 to 3 (docs/performance.md)
  CHECK(test_errors.back() <= 5.0);
  for (std::size_t pass = 0; pass + 1 < test_errors.size(); ++pass) CHECK(test_errors[pass] > 5.0);
  CHECK(output.find("target: test error") != std::string::npos);
  CHECK(output.find("after pass " + std::to_string(test_errors.size()) + ",") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a minibatch run killed mid-pass resumes bit-identically, with its batch from config.json",
          "[e2e][batch][resume]") {
  const auto dir = scratch_dir("resume");
  // 7,291 examples in batches of 16: 456 steps a pass, the last of 11.
  const std::string flags = " train --recipe modern-batch --passes 2 --seed 4 --data " + data_dir;
  run_ok(lenet1_exe + flags + " --save " + (dir / "whole.safetensors").string());

  const auto run = dir / "run";
  const auto log = dir / "log";
  {
    // Paused at step 620 (in the second pass), 20 steps after the checkpoint at 600.
    BackgroundProgram program(
        paused_at(620, lenet1_exe + flags + " --threads 2 --checkpoint-every 50 --out " + run.string()), log);
    REQUIRE(program.started());
    const bool paused = wait_for_pause(program, log, 620);
    INFO(file_bytes(log));
    REQUIRE(paused);
    program.signal(SIGKILL);
    REQUIRE(WIFSIGNALED(program.wait()));
  }
  const auto config = nlohmann::json::parse(file_bytes(run / "config.json"));
  CHECK(config["batch"] == 16);
  CHECK(config["one_cycle"] == true);
  const std::string resumed = run_ok(lenet1_exe + " train --resume " + run.string() + " --threads 1 --save " +
                                     (dir / "resumed.safetensors").string());
  REQUIRE(resumed.find("resume: at step 600\n") != std::string::npos);
  REQUIRE(file_bytes(dir / "resumed.safetensors") == file_bytes(dir / "whole.safetensors"));
  std::filesystem::remove_all(dir);
}
