// The paper's optimizer end to end: `--optimizer sdlm` (recipe 1989-newton)
// resumes bit-identically after SIGKILLs (the curvature estimate held for a
// pass is in the checkpoint), a model whose ops lack curvature rules refuses
// it by naming the op, and `lenet1 curvature` writes one non-negative tensor
// per parameter under its name.
#include <algorithm>
#include <csignal>
#include <cmath>
#include <filesystem>
#include <random>

#include <catch2/catch.hpp>

#include <ctgrad/io/safetensors.hpp>

#include "tests/support/e2e.hpp"

using namespace ctgrad::testing;  // tests/support/e2e.hpp: the programs, run folders, signals

namespace {
std::filesystem::path scratch_dir(const std::string& name) { return ctgrad::testing::scratch_dir("ctgrad_sdlm", name); }
}  // namespace

TEST_CASE("lenet1 sdlm: SIGKILL mid-pass and at a pass's end, then --resume, is bit-identical", "[e2e][sdlm]") {
  const auto dir = scratch_dir("kill");
  const std::string flags = " train --recipe 1989-newton --passes 3 --curvature-examples 200 --seed 3 --threads 1 --data " + data_dir;
  run_ok(lenet1_exe + flags + " --out " + (dir / "whole").string());
  // 7291 = 23 x 317 steps a pass, a checkpoint every 634: kill at 5072
  // (mid pass 1: the estimate comes from the checkpoint), at 10144 (mid pass
  // 2), and at 14582, the end of pass 2 (pass 3 estimates afresh).
  const auto run = dir / "killed";
  std::string next = lenet1_exe + flags + " --checkpoint-every 634 --out " + run.string();
  int round = 0;
  for (const long long pause : {5072LL, 10144LL, 14582LL}) {
    const auto log = dir / ("log" + std::to_string(round++));
    BackgroundProgram program(paused_at(pause, next), log);
    REQUIRE(program.started());
    const bool paused = wait_for_pause(program, log, pause);
    INFO(file_bytes(log));
    REQUIRE(paused);
    program.signal(SIGKILL);
    program.wait();
    next = lenet1_exe + " train --resume " + run.string();
  }
  run_ok(next);
  const std::string expected = file_bytes(dir / "whole" / "weights.safetensors");
  REQUIRE(expected.size() > 9760 * 4);
  REQUIRE(file_bytes(run / "weights.safetensors") == expected);
  std::filesystem::remove_all(dir);
}

TEST_CASE("sdlm on a model without curvature rules is refused, naming the op", "[e2e][sdlm]") {
  const auto result = run_program(micro_vit_exe + " train --optimizer sdlm --steps 1 --data " + data_dir);
  INFO(result.output);
  CHECK(result.status == 2);
  CHECK(result.output.find("--optimizer sdlm: curvature pass: the op `") != std::string::npos);
  CHECK(result.output.find("has no curvature rule") != std::string::npos);
}

TEST_CASE("lenet1 curvature writes the estimate, one tensor per parameter", "[e2e][sdlm]") {
  const auto dir = scratch_dir("curvature");
  const auto weights = dir / "w.safetensors", estimate = dir / "h.safetensors";
  run_ok(lenet1_exe + " train --steps 100 --threads 1 --data " + data_dir + " --save " + weights.string());
  const std::string out = run_ok(lenet1_exe + " curvature --init " + weights.string() + " --examples 50 --data " +
                                 data_dir + " --save " + estimate.string());
  CHECK(out.find("saved: ") != std::string::npos);
  const auto tensors = ctgrad::io::read_safetensors(estimate);
  const std::vector<std::pair<std::string, std::size_t>> expected = {
      {"H1w", 300}, {"H1b", 768}, {"H2w", 2400}, {"H2b", 192}, {"H3w", 5760}, {"H3b", 30}, {"outw", 300}, {"outb", 10}};
  CHECK(tensors.size() == expected.size());
  for (const auto& [name, size] : expected) {
    INFO(name);
    REQUIRE(tensors.count(name) == 1);
    const auto& values = tensors.at(name).values;
    CHECK(values.size() == size);
    CHECK(std::all_of(values.begin(), values.end(), [](float h) { return std::isfinite(h) && h >= 0.f; }));
    CHECK(*std::max_element(values.begin(), values.end()) > 0.f);
  }
  const auto refused = run_program(lenet1_exe + " curvature --init " + weights.string() + " --examples 100000 --data " +
                                   data_dir + " --save " + (dir / "no.safetensors").string());
  CHECK(refused.status == 2);
  CHECK(refused.output.find("--examples: expected 1 to 7291") != std::string::npos);
  CHECK(!std::filesystem::exists(dir / "no.safetensors"));
  std::filesystem::remove_all(dir);
}
