#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include <unistd.h>

#include "ctgrad/io/error.hpp"
#include "ctgrad/io/npy.hpp"

#include "lenet1/prepare.hpp"
#include "tests/support/temp_folder.hpp"
#include "tests/support/io_error.hpp"

namespace {

using namespace ctgrad::testing;

using Catch::Matchers::Contains;

constexpr std::size_t pixels_per_image = 16 * 16;

void check_split(const ctgrad::data::Split& split, std::size_t expected_count) {
  REQUIRE(split.count() == expected_count);
  REQUIRE(split.images.size() == expected_count * pixels_per_image);
  const auto [lowest, highest] = std::minmax_element(split.images.begin(), split.images.end());
  CHECK(*lowest >= -1.0f);
  CHECK(*highest <= 1.0f);

  std::array<std::size_t, 10> per_class{};
  for (const std::uint32_t label : split.labels) ++per_class.at(label);
  for (std::size_t label = 0; label < per_class.size(); ++label) {
    INFO("class " << label);
    // A uniform draw of ~2,000 from 10,000 digits leaves well over 100 of each class.
    CHECK(per_class[label] > 100);
  }

  // MNIST's mean intensity is about 0.13 (0.1307 on its training set, 0.1325
  // on its test set); mapped by v * 2 - 1 that is about -0.74, and resampling
  // barely moves a mean. Far outside [-0.80, -0.65] means a wrong scale,
  // inverted colours or images mixed up with something else.
  const double mean = std::accumulate(split.images.begin(), split.images.end(), 0.0) /
                      static_cast<double>(split.images.size());
  CHECK(mean > -0.80);
  CHECK(mean < -0.65);

  // Digits are centred with an empty border: the mean image is pure
  // background (-1) in its corners and clearly inked in its centre.
  std::array<double, pixels_per_image> mean_image{};
  for (std::size_t image = 0; image < split.count(); ++image)
    for (std::size_t pixel = 0; pixel < pixels_per_image; ++pixel)
      mean_image[pixel] += split.images[image * pixels_per_image + pixel] / static_cast<double>(split.count());
  for (std::size_t corner : {0, 15, 240, 255}) CHECK(mean_image[corner] < -0.99);
  const double centre = (mean_image[7 * 16 + 7] + mean_image[7 * 16 + 8] + mean_image[8 * 16 + 7] +
                         mean_image[8 * 16 + 8]) / 4;
  CHECK(centre > -0.5);
}

}  // namespace

TEST_CASE("the prepared digits have the paper's split sizes, range [-1, 1] and every class", "[data]") {
  const std::filesystem::path data = CTGRAD_DATA_DIR;
  // The README's test command prepares the data before running the tests, so
  // missing data is a failure here, not a skip.
  if (!std::filesystem::exists(data / "train_images.npy")) FAIL("no prepared data in " << data << "; run `lenet1 prepare`");
  const ctgrad::data::Split train = lenet1::load_prepared(data, "train");
  const ctgrad::data::Split test = lenet1::load_prepared(data, "test");
  SECTION("train") { check_split(train, 7291); }
  SECTION("test") { check_split(test, 2007); }
}

TEST_CASE("load_split on a missing folder says to run lenet1 prepare", "[data]") {
  const std::filesystem::path missing = std::filesystem::temp_directory_path() / "ctgrad_no_such_data_folder";
  std::filesystem::remove_all(missing);
  CHECK_THAT(io_error_message([&] { lenet1::load_prepared(missing, "train"); }),
             Contains(missing.string()) && Contains("lenet1 prepare"));

  TemporaryFolder folder;
  CHECK_THAT(io_error_message([&] { lenet1::load_prepared(folder.path, "test"); }),
             Contains("test_images.npy") && Contains("lenet1 prepare"));
}

TEST_CASE("load_split refuses inconsistent files and names the culprit", "[data]") {
  TemporaryFolder folder;
  const std::filesystem::path images = folder.path / "train_images.npy";
  const std::filesystem::path labels = folder.path / "train_labels.npy";
  const auto write = [&](std::vector<std::size_t> image_shape, std::vector<float> pixels,
                         std::vector<std::uint8_t> label_values) {
    ctgrad::io::write_npy<float>(images, image_shape, pixels);
    ctgrad::io::write_npy<std::uint8_t>(labels, std::vector<std::size_t>{label_values.size()}, label_values);
    return io_error_message([&] { lenet1::load_prepared(folder.path, "train"); });
  };
  const std::vector<float> two_images(2 * pixels_per_image, -1.0f);

  CHECK(write({2, 1, 16, 16}, two_images, {3, 9}) == no_io_error);
  CHECK_THAT(write({2, 1, 16, 16}, two_images, {3, 9, 1}),
             Contains(labels.string()) && Contains("expected 2 labels") && Contains("found 3"));
  CHECK_THAT(write({2, 1, 16, 16}, two_images, {3, 10}), Contains(labels.string()) && Contains("found 10"));
  CHECK_THAT(write({2, 16, 16}, two_images, {3, 9}), Contains(images.string()) && Contains("(2, 16, 16)"));
  std::vector<float> with_nan = two_images;
  with_nan[300] = std::nanf("");
  CHECK_THAT(write({2, 1, 16, 16}, with_nan, {3, 9}), Contains(images.string()) && Contains("finite"));
}

// The npm package's digit files: every malformed, truncated or foreign file
// is refused with its name and what was expected, never read as digits.
TEST_CASE("read_digit_file reads n x 784 values in [0, 1] and refuses anything else, naming the file", "[data]") {
  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "3.json";
  const auto read_text = [&](const std::string& text) {
    std::ofstream(file, std::ios::trunc) << text;
    return io_error_message([&] { lenet1::read_digit_file(file); });
  };
  std::string values;
  for (int i = 0; i < 2 * 784; ++i) values += (i ? "," : "") + std::string(i % 3 ? "0.5" : "1");
  const std::string two_digits = "{\"data\": [" + values + "]}";

  CHECK(read_text(two_digits) == no_io_error);
  const std::vector<float> pixels = lenet1::read_digit_file(file);
  REQUIRE(pixels.size() == 2 * 784);
  CHECK(pixels[0] == 1.0f);
  CHECK(pixels[1] == 0.5f);

  const struct {
    std::string text, says;
  } cases[] = {
      {"", "expected valid JSON"},
      {two_digits.substr(0, two_digits.size() / 2), "expected valid JSON"},  // truncated
      {two_digits + " {}", "expected valid JSON"},                           // trailing garbage
      {"[1, 2, 3]", "expected an object {\"data\": [...]}"},
      {"{\"pixels\": []}", "without a \"data\" array"},
      {"{\"data\": 5}", "without a \"data\" array"},
      {"{\"data\": []}", "positive multiple of 784"},
      {"{\"data\": [" + values + ",0]}", "found 1569"},
      {"{\"data\": [\"0.5\"" + values.substr(values.find(',')) + "]}", "found string at index 0"},
      {"{\"data\": [" + values.substr(0, values.rfind(',')) + ",1.5]}", "found 1.5 at index 1567"},
      {"{\"data\": [" + values.substr(0, values.rfind(',')) + ",-0.1]}", "at index 1567"},
      {"{\"data\": [" + values.substr(0, values.rfind(',')) + ",1e400]}", "expected valid JSON"},
  };
  for (const auto& c : cases) {
    const std::string message = read_text(c.text);
    INFO("input starting " << c.text.substr(0, 40));
    CHECK_THAT(message, Contains(file.string()) && Contains(c.says));
  }
  std::filesystem::remove(file);
  CHECK_THAT(io_error_message([&] { lenet1::read_digit_file(file); }), Contains(file.string()));
}
