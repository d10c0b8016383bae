// The generic data source (ctgrad/data/dataset.hpp): splits of any example
// shape and class count, labels in the integer dtypes np.save writes, and a
// one-line error naming the file for every mismatch with what the model reads.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ctgrad/data/dataset.hpp"
#include "ctgrad/io/npy.hpp"
#include "tests/support/temp_folder.hpp"
#include "tests/support/io_error.hpp"

namespace {

using ctgrad::testing::io_error_message;
using ctgrad::testing::no_io_error;

using Catch::Matchers::Contains;
using ctgrad::testing::TemporaryFolder;

constexpr std::array<std::size_t, 3> rgb = {3, 4, 5};  // planes, height, width
constexpr std::size_t rgb_size = 3 * 4 * 5;

// Two examples: values i / 100 in order, so each example's slice is known.
std::vector<float> two_examples() {
  std::vector<float> values(2 * rgb_size);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) / 100.f;
  return values;
}

}  // namespace

TEST_CASE("a split of 3-plane images with int64, int32 or uint8 labels loads with its shape", "[data]") {
  TemporaryFolder folder;
  const auto images = two_examples();
  ctgrad::io::write_npy<float>(folder.path / "train_images.npy", std::vector<std::size_t>{2, 3, 4, 5}, images);
  const std::vector<std::size_t> two = {2};
  SECTION("int64, numpy's default integers") {
    ctgrad::io::write_npy<std::int64_t>(folder.path / "train_labels.npy", two, std::vector<std::int64_t>{46, 0});
  }
  SECTION("int32") {
    ctgrad::io::write_npy<std::int32_t>(folder.path / "train_labels.npy", two, std::vector<std::int32_t>{46, 0});
  }
  SECTION("uint8") {
    ctgrad::io::write_npy<std::uint8_t>(folder.path / "train_labels.npy", two, std::vector<std::uint8_t>{46, 0});
  }
  const ctgrad::data::Split split = ctgrad::data::load_split(folder.path, "train", rgb, 47);
  REQUIRE(split.count() == 2);
  CHECK(split.example_shape == std::vector<std::size_t>(rgb.begin(), rgb.end()));
  CHECK(split.example_size() == rgb_size);
  CHECK(split.labels == std::vector<std::uint32_t>{46, 0});
  const auto second = split.example(1);
  REQUIRE(second.size() == rgb_size);
  CHECK(second[0] == images[rgb_size]);
  CHECK(second.back() == images.back());
}

TEST_CASE("load_split names the file and both shapes or values for every mismatch", "[data]") {
  TemporaryFolder folder;
  const std::filesystem::path images = folder.path / "test_images.npy";
  const std::filesystem::path labels = folder.path / "test_labels.npy";
  const auto load = [&] { return io_error_message([&] { ctgrad::data::load_split(folder.path, "test", rgb, 10, "make it"); }); };
  const auto write_labels = [&](std::vector<std::int64_t> values) {
    ctgrad::io::write_npy<std::int64_t>(labels, std::vector<std::size_t>{values.size()}, values);
  };

  CHECK_THAT(io_error_message([&] { ctgrad::data::load_split(folder.path / "none", "test", rgb, 10, "make it"); }),
             Contains("none") && Contains("expected a data folder") && Contains("(make it)"));
  CHECK_THAT(load(), Contains(images.string()) && Contains("(make it)"));

  ctgrad::io::write_npy<float>(images, std::vector<std::size_t>{2, 3, 4, 5}, two_examples());
  write_labels({1, 9});
  CHECK(load() == no_io_error);

  ctgrad::io::write_npy<float>(images, std::vector<std::size_t>{1, 6, 4, 5}, two_examples());
  CHECK_THAT(load(), Contains(images.string()) && Contains("expected shape (N, 3, 4, 5)") && Contains("found (1, 6, 4, 5)"));
  ctgrad::io::write_npy<float>(images, std::vector<std::size_t>{2, 60}, two_examples());
  CHECK_THAT(load(), Contains("expected shape (N, 3, 4, 5)") && Contains("found (2, 60)"));

  ctgrad::io::write_npy<float>(images, std::vector<std::size_t>{2, 3, 4, 5}, two_examples());
  write_labels({1, 10});
  CHECK_THAT(load(), Contains(labels.string()) && Contains("expected labels 0..9 (the model's 10 classes), found 10 at index 1"));
  write_labels({-1, 2});
  CHECK_THAT(load(), Contains(labels.string()) && Contains("found -1 at index 0"));
  write_labels({1, 2, 3});
  CHECK_THAT(load(), Contains(labels.string()) && Contains("expected 2 labels") && Contains("found 3"));
  ctgrad::io::write_npy<float>(labels, std::vector<std::size_t>{2}, std::vector<float>{1.f, 2.f});
  CHECK_THAT(load(), Contains(labels.string()) && Contains("expected integer labels") && Contains("'<f4'"));
  ctgrad::io::write_npy<std::int64_t>(labels, std::vector<std::size_t>{2, 1}, std::vector<std::int64_t>{1, 2});
  CHECK_THAT(load(), Contains(labels.string()) && Contains("expected shape (N,), found (2, 1)"));

  write_labels({1, 2});
  auto with_nan = two_examples();
  with_nan[7] = std::nanf("");
  ctgrad::io::write_npy<float>(images, std::vector<std::size_t>{2, 3, 4, 5}, with_nan);
  CHECK_THAT(load(), Contains(images.string()) && Contains("finite") && Contains("flat index 7"));
}

TEST_CASE("integer .npy arrays round-trip, and labels refuse a truncated file", "[data][io]") {
  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "labels.npy";
  const std::vector<std::int64_t> values = {0, -5, 1LL << 40};
  ctgrad::io::write_npy<std::int64_t>(file, std::vector<std::size_t>{3}, values);
  CHECK(ctgrad::io::read_npy<std::int64_t>(file).values == values);
  CHECK(ctgrad::io::read_npy_labels(file).values == values);
  std::filesystem::resize_file(file, std::filesystem::file_size(file) - 1);
  CHECK_THAT(io_error_message([&] { ctgrad::io::read_npy_labels(file); }), Contains("truncated data"));
}
