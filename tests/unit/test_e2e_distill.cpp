// Distillation end to end (train/distill.hpp): `micro_vit train --teacher`
// with a modern LeNet-1's weights. A teacher at --distill-weight 0 must give
// weights bit-identical to no teacher (the targets are then exactly the
// labels), one at 0.5 must change them; config.json records the teacher
// and its file's digest, and --resume refuses a teacher whose bytes changed
// since; a wrong teacher file, or a teacher for a model trained on +-1
// targets, is refused in one line naming --teacher.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/e2e.hpp"

using namespace ctgrad::testing;  // tests/support/e2e.hpp: the programs, run folders, signals

namespace {
std::filesystem::path scratch_dir(const std::string& name) {
  return ctgrad::testing::scratch_dir("ctgrad_distill", name);
}
}  // namespace

TEST_CASE("micro_vit --teacher: weight 0 is the labels exactly, weight 0.5 changes training", "[e2e][distill]") {
  const auto dir = scratch_dir("weights");
  const auto teacher = dir / "teacher.safetensors";
  run_ok(lenet1_exe + " train --recipe modern --steps 300 --threads 1 --data " + data_dir + " --save " +
         teacher.string());
  const std::string flags = " train --steps 40 --batch 16 --threads 2 --seed 5 --data " + data_dir;
  run_ok(micro_vit_exe + flags + " --save " + (dir / "plain.safetensors").string());
  const std::string zero = run_ok(micro_vit_exe + flags + " --teacher " + teacher.string() +
                                  " --distill-weight 0 --save " + (dir / "zero.safetensors").string());
  CHECK(zero.find("teacher: " + teacher.string() + ", train error ") != std::string::npos);
  const std::string half =
      run_ok(micro_vit_exe + flags + " --teacher " + teacher.string() + " --checkpoint-every 20 --out " +
             (dir / "half").string() + " --save " + (dir / "half.safetensors").string());
  CHECK(half.find("targets (1 - 0.5) label + 0.5 teacher (its class)") != std::string::npos);
  const std::string plain = file_bytes(dir / "plain.safetensors");
  REQUIRE(plain.size() > 6000 * 4);
  CHECK(file_bytes(dir / "zero.safetensors") == plain);
  CHECK(file_bytes(dir / "half.safetensors") != plain);
  const auto config = nlohmann::json::parse(file_bytes(dir / "half" / "config.json"));
  CHECK(config["teacher"] == teacher.string());
  CHECK(config["distill_weight"] == 0.5);
  CHECK(config["distill_temperature"] == 0);
  const std::string digest = config["teacher_digest"];
  CHECK(digest.rfind("fnv1a64:", 0) == 0);
  CHECK(digest.size() == 8 + 16);

  // --resume goes on with the same teacher file, and refuses it once its
  // bytes have changed (the last byte: inside H1's weights' data).
  const std::string resume = micro_vit_exe + " train --resume " + (dir / "half").string();
  run_ok(resume);
  std::string bytes = file_bytes(teacher);
  bytes.back() = static_cast<char>(bytes.back() ^ 1);
  std::ofstream(teacher, std::ios::binary | std::ios::trunc) << bytes;
  const auto changed = run_program(resume);
  INFO(changed.output);
  CHECK(changed.status == 2);
  CHECK(changed.output.find("--resume: the run distils from " + teacher.string() + ", whose bytes changed since it "
                            "started (" + digest + " in its config.json, fnv1a64:") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("--teacher refuses what it cannot distil from, in one line", "[e2e][distill]") {
  const auto dir = scratch_dir("refused");
  const auto vit = dir / "vit.safetensors";
  run_ok(micro_vit_exe + " train --steps 1 --threads 1 --data " + data_dir + " --save " + vit.string());
  const auto garbage = dir / "garbage.safetensors";
  { std::ofstream(garbage) << "not a safetensors file"; }
  const auto teacher = dir / "teacher.safetensors";
  run_ok(lenet1_exe + " train --recipe modern --steps 1 --threads 1 --data " + data_dir + " --save " +
         teacher.string());
  struct Case {
    std::string command, expected;
  };
  for (const Case& c : {
           // micro_vit's own weights are not a LeNet-1's
           Case{micro_vit_exe + " train --steps 1 --data " + data_dir + " --teacher " + vit.string(),
                "micro_vit: --teacher: " + vit.string() + ": expected only this model's 8 tensors"},
           Case{micro_vit_exe + " train --steps 1 --data " + data_dir + " --teacher " + garbage.string(),
                "micro_vit: --teacher: " + garbage.string() + ": "},
           Case{micro_vit_exe + " train --steps 1 --data " + data_dir + " --teacher " + (dir / "none").string(),
                "--teacher: File does not exist"},
           Case{micro_vit_exe + " train --steps 1 --data " + data_dir + " --teacher " + teacher.string() +
                    " --distill-weight 1.5",
                "--distill-weight"},
           // the 1989 variant trains on +-1 targets
           Case{lenet1_exe + " train --steps 1 --data " + data_dir + " --teacher " + teacher.string(),
                "lenet1: --teacher: distillation trains on class probabilities, and this model's targets are +-1"},
       }) {
    const auto result = run_program(c.command);
    INFO(c.command << "\n" << result.output);
    CHECK(result.status == 2);
    CHECK(result.output.find(c.expected) != std::string::npos);
    CHECK(std::count(result.output.begin(), result.output.end(), '\n') <= 2);
  }
  std::filesystem::remove_all(dir);
}
