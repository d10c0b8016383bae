// `lenet5 train` on the real Fashion-MNIST (prepared once, from the Debian
// package the test command installs; the training runs read its first 1,024
// and 512 images), through the shared trainer:
// - each recipe writes a run folder whose weights read back, and `lenet5
//   report` draws it;
// - a run killed with SIGKILL mid-pass, at a step the test controls, and
//   resumed ends bit-identical to an uninterrupted one, for the paper's
//   per-example SDLM (its curvature estimate is in the checkpoint) and for
//   the modern minibatch AdamW;
// - the same minibatch run on 1 and 2 threads gives the same bytes;
// - wrong data, flags and runs are refused in one line.
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <ctgrad/io/npy.hpp>

#include "tests/support/e2e.hpp"

using namespace ctgrad::testing;  // tests/support/e2e.hpp: the programs, run folders, signals

namespace {

// Fashion-MNIST as `lenet5 prepare` writes it, made once for this file.
const std::filesystem::path& fashion() {
  static const std::filesystem::path dir = [] {
    const auto d = ctgrad::testing::scratch_dir("ctgrad_lenet5_train", "fashion");
    run_ok(lenet5_exe + " prepare --out " + d.string());
    return d;
  }();
  return dir;
}

// Its first 1,024 training and 512 test images: the runs below test resume,
// threads and reports, not accuracy, and evaluating all 70,000 images after
// every run was most of this file's time. A pass is 1,024 per-example steps
// of the 1998 recipe, or 16 minibatches of 64 of the modern one.
const std::filesystem::path& fashion_sample() {
  static const std::filesystem::path dir = [] {
    const auto d = ctgrad::testing::scratch_dir("ctgrad_lenet5_train", "fashion_sample");
    ctgrad::testing::first_examples(fashion(), d, 1024, 512);
    return d;
  }();
  return dir;
}

// Trains `flags` into `run` with checkpoints every `every` steps, kills it
// with SIGKILL while it waits after step `kill_at`, resumes it, and returns
// the resumed run's weights.
std::string killed_and_resumed(const std::string& flags, const std::filesystem::path& run, long long every,
                               long long kill_at) {
  const auto log = run.parent_path() / (run.filename().string() + ".log");
  {
    BackgroundProgram program(
        paused_at(kill_at, lenet5_exe + flags + " --checkpoint-every " + std::to_string(every) + " --out " + run.string()),
        log);
    REQUIRE(program.started());
    const bool paused = wait_for_pause(program, log, kill_at);
    INFO(file_bytes(log));
    REQUIRE(paused);  // it really is mid-run, after a checkpoint, when killed
    program.signal(SIGKILL);
    const int status = program.wait();
    REQUIRE(WIFSIGNALED(status));
  }
  REQUIRE(!std::filesystem::exists(run / "weights.safetensors"));
  run_ok(lenet5_exe + " train --resume " + run.string());
  return file_bytes(run / "weights.safetensors");
}

}  // namespace

TEST_CASE("lenet5 train --recipe 1998: killed mid-pass and resumed, bit-identical; its report", "[e2e][lenet5]") {
  const auto dir = ctgrad::testing::scratch_dir("ctgrad_lenet5_train", "paper");
  const std::string flags =
      " train --steps 600 --curvature-examples 50 --seed 4 --data " + fashion_sample().string();
  const std::string whole = run_ok(lenet5_exe + flags + " --out " + (dir / "whole").string());
  CHECK(whole.find("eval: split test") != std::string::npos);
  const std::string expected = file_bytes(dir / "whole" / "weights.safetensors");
  REQUIRE(expected.size() > 60'872 * 4);  // every parameter, the subsampling coefficients included
  const auto config = nlohmann::json::parse(file_bytes(dir / "whole" / "config.json"));
  CHECK(config["variant"] == "1998");
  CHECK(config["optimizer"] == "sdlm");
  CHECK(config["eta_schedule"] == "1998");
  CHECK(killed_and_resumed(flags, dir / "killed", 200, 450) == expected);

  const std::string report = run_ok(lenet5_exe + " report " + (dir / "whole").string());
  for (const char* picture : {"learning_curves.png", "mistakes.png", "c1_kernels.png"})
    CHECK(std::filesystem::file_size(dir / "whole" / picture) > 1000);
  std::filesystem::remove_all(dir);
}

TEST_CASE("lenet5 train --recipe modern: resumed bit-identically; 1 and 2 threads give the same bytes",
          "[e2e][lenet5]") {
  const auto dir = ctgrad::testing::scratch_dir("ctgrad_lenet5_train", "modern");
  // 120 steps: 7.5 passes, killed in the fifth, after step 70.
  const std::string flags = " train --recipe modern --steps 120 --seed 2 --data " + fashion_sample().string();
  run_ok(lenet5_exe + flags + " --threads 2 --out " + (dir / "two").string());
  run_ok(lenet5_exe + flags + " --threads 1 --out " + (dir / "one").string());
  const std::string expected = file_bytes(dir / "two" / "weights.safetensors");
  REQUIRE(expected.size() > 60'850 * 4 - 22 * 4);
  CHECK(file_bytes(dir / "one" / "weights.safetensors") == expected);
  const auto config = nlohmann::json::parse(file_bytes(dir / "two" / "config.json"));
  CHECK(config["variant"] == "modern");
  CHECK(config["batch"] == 64);
  CHECK(killed_and_resumed(flags + " --threads 2", dir / "killed", 40, 70) == expected);
  std::filesystem::remove_all(dir);
}

TEST_CASE("lenet5 train refuses wrong data, flags and runs in one line", "[e2e][lenet5]") {
  const auto dir = ctgrad::testing::scratch_dir("ctgrad_lenet5_train", "usage");
  // 16x16 images: LeNet-1's size, not LeNet-5's.
  run_ok(lenet5_exe + " prepare --side 16 --out " + (dir / "small").string());
  struct Case {
    std::string command, says;
    int status;  // 2: a flag or folder is wrong; 1: a file is not what it should be
  };
  const std::vector<Case> cases = {
      {lenet5_exe + " train --steps 1 --data " + (dir / "small").string(), "expected shape (N, 1, 28, 28)", 1},
      {lenet5_exe + " train --steps 1 --data " + (dir / "none").string(), "lenet5 prepare", 2},
      {lenet5_exe + " train --recipe modern-batch --data " + fashion().string(), "expected one of 1998, modern", 2},
      {lenet5_exe + " train --recipe modern --dropout 0.2 --data " + fashion().string(), "no dropout layer", 2},
      {lenet5_exe + " train --teacher x.safetensors --data " + fashion().string(), "--teacher", 2},
      {lenet5_exe + " prepare --side 20 --out " + (dir / "other").string(), "--side", 2},
  };
  for (const auto& c : cases) {
    const auto result = run_program(c.command);
    INFO(c.command << " -> " << result.output);
    CHECK(result.status == c.status);
    CHECK(result.output.find(c.says) != std::string::npos);
    CHECK(std::count(result.output.begin(), result.output.end(), '\n') <= 2);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("lenet5 prepare --side 16 and lenet1 prepare --side 28: the other program's size", "[e2e][lenet5]") {
  const auto dir = ctgrad::testing::scratch_dir("ctgrad_lenet5_train", "sides");
  run_ok(lenet5_exe + " prepare --side 16 --out " + (dir / "fashion16").string());
  const auto small = ctgrad::io::read_npy<float>(dir / "fashion16" / "test_images.npy");
  CHECK(small.shape == std::vector<std::size_t>{10000, 1, 16, 16});
  // The digits at 28x28: the same draw as the 16x16 ones (same labels, in order).
  const std::string out = run_ok(lenet1_exe + " prepare --side 28 --out " + (dir / "digits28").string() +
                                 " --cache " + (dir / "cache").string());
  CHECK(out.find("kept at 28x28") != std::string::npos);
  const auto big = ctgrad::io::read_npy<float>(dir / "digits28" / "train_images.npy");
  CHECK(big.shape == std::vector<std::size_t>{7291, 1, 28, 28});
  CHECK(file_bytes(dir / "digits28" / "train_labels.npy") ==
        file_bytes(std::filesystem::path(ctgrad::testing::data_dir) / "train_labels.npy"));
  // and LeNet-5 trains on them
  const std::string trained = run_ok(lenet5_exe + " train --recipe modern --steps 5 --data " +
                                     (dir / "digits28").string());
  CHECK(trained.find("eval: split test") != std::string::npos);
  std::filesystem::remove_all(dir);
}
