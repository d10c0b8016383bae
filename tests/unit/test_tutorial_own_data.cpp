// docs/extending.md section 5: a user's own model on a user's own .npy files,
// trained by the library's trainer. The data here is made for the test:
// 3-plane 12x12 images in 4 classes, the class drawn as a bright square in
// one quadrant of one plane over noise, labels saved as int64 (numpy's
// default). examples/own_data must learn it, write its run folder, and refuse
// data of another shape with one line naming the file and both shapes.
#include <catch2/catch.hpp>

#include <ctgrad/kernels/table.hpp>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "ctgrad/io/npy.hpp"
#include "ctgrad/train/config.hpp"
#include "tests/support/e2e.hpp"

namespace {

using namespace ctgrad::testing;
const std::string own_data_exe = CTGRAD_OWN_DATA_EXE;

void write_split(const std::filesystem::path& dir, const std::string& name, std::size_t count, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
  std::vector<float> images(count * 3 * 12 * 12);
  std::vector<std::int64_t> labels(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto label = static_cast<std::int64_t>(rng() % 4);
    labels[i] = label;
    float* image = images.data() + i * 3 * 12 * 12;
    for (std::size_t k = 0; k < 3 * 12 * 12; ++k) image[k] = noise(rng);
    const std::size_t plane = static_cast<std::size_t>(label) % 3, top = label < 2 ? 1 : 7, left = label % 2 ? 7 : 1;
    for (std::size_t y = top; y < top + 4; ++y)
      for (std::size_t x = left; x < left + 4; ++x) image[(plane * 12 + y) * 12 + x] += 1.5f;
  }
  ctgrad::io::write_npy<float>(dir / (name + "_images.npy"), std::vector<std::size_t>{count, 3, 12, 12}, images);
  ctgrad::io::write_npy<std::int64_t>(dir / (name + "_labels.npy"), std::vector<std::size_t>{count}, labels);
}

}  // namespace

TEST_CASE("own_data trains the tutorial's model on a user's 3-plane .npy files through the library's trainer",
          "[tutorial]") {
  const auto data = scratch_dir("test_tutorial_own_data", "data");
  write_split(data, "train", 1200, 1);
  write_split(data, "test", 400, 2);
  const auto run = data.parent_path() / "run";
  const std::string output =
      run_ok(own_data_exe + " train --data " + data.string() + " --passes 4 --threads 2 --out " + run.string());
  INFO(output);
  CHECK(output.find(std::string("data: 1200 train, 400 test examples; recipe own_data; kernels: ") +
                    ctgrad::kernels::best_kernels().name + " (") != std::string::npos);
  // The last pass's test line: "eval: split test . loss ... error E%. misses: M"
  const auto last = output.rfind("eval: split test ");
  REQUIRE(last != std::string::npos);
  const double error = std::stod(output.substr(output.find("error ", last) + 6));
  CHECK(error < 5.0);  // chance is 75%
  const auto config = ctgrad::train::config_from_json(run / "config.json");
  CHECK(config.recipe == "own_data");
  CHECK(config.batch == 16);
  CHECK(std::filesystem::exists(run / "weights.safetensors"));
  CHECK(std::filesystem::exists(run / "metrics.csv"));
}

TEST_CASE("own_data refuses data of another shape or more classes, naming the file", "[tutorial]") {
  const auto digits = run_program(own_data_exe + " train --data " + data_dir + " --passes 1");
  INFO(digits.output);
  CHECK(digits.status == 1);
  CHECK(digits.output.find("train_images.npy: expected shape (N, 3, 12, 12) (the model's input), found (7291, 1, 16, 16)") !=
        std::string::npos);

  const auto data = scratch_dir("test_tutorial_own_data", "five_classes");
  write_split(data, "train", 10, 1);
  write_split(data, "test", 10, 2);
  ctgrad::io::write_npy<std::int64_t>(data / "test_labels.npy", std::vector<std::size_t>{10},
                                      std::vector<std::int64_t>{0, 1, 2, 3, 4, 0, 1, 2, 3, 0});
  const auto five = run_program(own_data_exe + " train --data " + data.string() + " --passes 1");
  INFO(five.output);
  CHECK(five.status == 1);
  CHECK(five.output.find("test_labels.npy: expected labels 0..3 (the model's 4 classes), found 4 at index 4") !=
        std::string::npos);

  const auto missing = run_program(own_data_exe + " train --data " + (data / "nothing").string());
  CHECK(missing.status == 2);
  CHECK(missing.output.find("--data: expected a folder") != std::string::npos);
}
