// `lenet5 prepare` on the real Fashion-MNIST of the Debian package
// dataset-fashion-mnist (the test command installs it): 60,000 training and
// 10,000 test images of 28x28 in [-1, 1], exactly 6,000 and 1,000 of each
// class (the data set's balance), the first training image an ankle boot
// (class 9); and a missing source folder is one line saying what to install.
#include <algorithm>
#include <array>
#include <filesystem>

#include <catch2/catch.hpp>

#include <ctgrad/io/npy.hpp>

#include "tests/support/e2e.hpp"

using namespace ctgrad::testing;  // tests/support/e2e.hpp: the programs, run folders, signals

TEST_CASE("lenet5 prepare writes Fashion-MNIST as .npy splits", "[e2e][lenet5]") {
  const auto dir = ctgrad::testing::scratch_dir("ctgrad_lenet5", "prepare");
  const std::string out = run_ok(lenet5_exe + " prepare --out " + dir.string());
  CHECK(out.find("prepare: train 60000 images") != std::string::npos);
  for (const auto& [name, count] : {std::pair{"train", 60000u}, std::pair{"test", 10000u}}) {
    INFO(name);
    const auto images = ctgrad::io::read_npy<float>(dir / (std::string(name) + "_images.npy"));
    CHECK(images.shape == std::vector<std::size_t>{count, 1, 28, 28});
    const auto [low, high] = std::minmax_element(images.values.begin(), images.values.end());
    CHECK(*low == -1.f);
    CHECK(*high == 1.f);
    const auto labels = ctgrad::io::read_npy_labels(dir / (std::string(name) + "_labels.npy"));
    std::array<std::size_t, 10> per_class{};
    for (const auto label : labels.values) ++per_class[static_cast<std::size_t>(label)];
    for (const std::size_t n : per_class) CHECK(n == count / 10);
    if (std::string(name) == "train") CHECK(labels.values[0] == 9);
  }
  std::filesystem::remove_all(dir.parent_path());
}

TEST_CASE("lenet5 prepare without the package says what to install", "[e2e][lenet5]") {
  const auto result = run_program(lenet5_exe + " prepare --source /nonexistent/fashion --out /tmp/ctgrad_lenet5_unused");
  INFO(result.output);
  CHECK(result.status == 1);  // a file or folder not as expected (a flag's mistake would be 2)
  CHECK(result.output.find("lenet5: /nonexistent/fashion: expected a folder of Fashion-MNIST's IDX files, found none "
                           "(install them: apt-get install dataset-fashion-mnist)") != std::string::npos);
  CHECK(!std::filesystem::exists("/tmp/ctgrad_lenet5_unused"));
}
