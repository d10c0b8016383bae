#include <catch2/catch.hpp>

#include <cstddef>
#include <stdexcept>
#include <vector>

#include <ctgrad/data/resize.hpp>

// Expected values below are worked out by hand from PyTorch's rule
//   source = (destination + 0.5) * (source_size / destination_size) - 0.5, clamped at 0,
// and every one is a short binary fraction, so the comparisons allow only float rounding.

namespace {

using ctgrad::data::resize_bilinear;

std::vector<float> resized(const std::vector<float>& source, std::size_t source_h, std::size_t source_w,
                           std::size_t target_h, std::size_t target_w) {
  std::vector<float> target(target_h * target_w, -999.0f);
  resize_bilinear(source, source_h, source_w, target, target_h, target_w);
  return target;
}

void check_close(const std::vector<float>& found, const std::vector<float>& expected) {
  REQUIRE(found.size() == expected.size());
  for (std::size_t index = 0; index < found.size(); ++index) {
    INFO("pixel " << index);
    CHECK(found[index] == Approx(expected[index]).margin(1e-5));
  }
}

}  // namespace

TEST_CASE("resizing to the same size returns the image unchanged", "[data][resize]") {
  // scale 1: source = destination exactly, so each pixel takes weight 1 from itself.
  const std::vector<float> image = {0.5f, -1.0f, 3.0f, 7.25f, 0.0f, 1e-3f, -2.0f, 9.0f, 4.0f, 0.125f, 6.0f, -5.5f, 2.0f, 8.0f, 1.0f};
  CHECK(resized(image, 3, 5, 3, 5) == image);
}

TEST_CASE("halving 4x4 to 2x2 averages each 2x2 block", "[data][resize]") {
  // scale 2: destination 0 -> source 0.5 (rows/columns 0 and 1, weights 1/2 each),
  //          destination 1 -> source 2.5 (rows/columns 2 and 3, weights 1/2 each).
  // Pixel value 4 * row + column, so block means are 2.5, 4.5, 10.5, 12.5.
  std::vector<float> image(16);
  for (std::size_t index = 0; index < image.size(); ++index) image[index] = static_cast<float>(index);
  check_close(resized(image, 4, 4, 2, 2), {2.5f, 4.5f, 10.5f, 12.5f});
}

TEST_CASE("doubling 2x2 to 4x4 clamps at the borders", "[data][resize]") {
  // scale 1/2: destination 0 -> -0.25, clamped to 0 (weight 0 on the second sample);
  // 1 -> 0.25; 2 -> 0.75; 3 -> 1.25, whose second sample min(2, 1) = 1 is the first again.
  // So along each axis the fractions towards the second pixel are 0, 1/4, 3/4, 1.
  // Source [[0, 4], [8, 12]] is 8 * row_fraction + 4 * column_fraction, which bilinear
  // interpolation reproduces exactly.
  check_close(resized({0, 4, 8, 12}, 2, 2, 4, 4), {0, 1, 3, 4,  //
                                                   2, 3, 5, 6,  //
                                                   6, 7, 9, 10,  //
                                                   8, 9, 11, 12});
}

TEST_CASE("28x28 to 16x16 samples the source coordinates PyTorch uses", "[data][resize]") {
  // scale 28 / 16 = 1.75: destination 0 -> 0.375, 7 -> 12.625, 8 -> 14.375, 15 -> 26.625.
  SECTION("a ramp reproduces the source coordinates") {
    // Pixel value 100 * row + column, linear, so the output is 100 * y_source + x_source.
    std::vector<float> ramp(28 * 28);
    for (std::size_t row = 0; row < 28; ++row)
      for (std::size_t column = 0; column < 28; ++column) ramp[row * 28 + column] = 100.0f * row + column;
    const std::vector<float> small = resized(ramp, 28, 28, 16, 16);
    CHECK(small[0 * 16 + 0] == Approx(37.5f + 0.375f));
    CHECK(small[0 * 16 + 15] == Approx(37.5f + 26.625f));
    CHECK(small[15 * 16 + 0] == Approx(2662.5f + 0.375f));
    CHECK(small[15 * 16 + 15] == Approx(2662.5f + 26.625f));
    CHECK(small[7 * 16 + 8] == Approx(1262.5f + 14.375f));
    CHECK(small[8 * 16 + 7] == Approx(1437.5f + 12.625f));
  }
  SECTION("single lit pixels at the corners and the centre") {
    const auto lit = [](std::size_t row, std::size_t column) {
      std::vector<float> image(28 * 28, 0.0f);
      image[row * 28 + column] = 1.0f;
      return resized(image, 28, 28, 16, 16);
    };
    // (0, 0) is x0 of destination 0 on both axes: weight (1 - 0.375)^2 = 0.390625.
    // Destination 1 maps to 2.125, past pixel 1, so nothing else sees it.
    std::vector<float> expected(256, 0.0f);
    expected[0] = 0.390625f;
    check_close(lit(0, 0), expected);
    // (27, 27) is x1 of destination 15 on both axes: weight 0.625^2 = 0.390625.
    expected.assign(256, 0.0f);
    expected[255] = 0.390625f;
    check_close(lit(27, 27), expected);
    // (13, 13) is x1 of destination 7 (12.625): 0.625^2; destination 8 starts at 14.
    expected.assign(256, 0.0f);
    expected[7 * 16 + 7] = 0.390625f;
    check_close(lit(13, 13), expected);
    // (14, 14) is x0 of destination 8 (14.375): (1 - 0.375)^2.
    expected.assign(256, 0.0f);
    expected[8 * 16 + 8] = 0.390625f;
    check_close(lit(14, 14), expected);
    // (13, 14): row weight 0.625 (destination 7), column weight 0.625 (destination 8).
    expected.assign(256, 0.0f);
    expected[7 * 16 + 8] = 0.390625f;
    check_close(lit(13, 14), expected);
  }
}

TEST_CASE("a 1x1 image resizes to a constant and mismatched spans are refused", "[data][resize]") {
  check_close(resized({2.5f}, 1, 1, 3, 2), std::vector<float>(6, 2.5f));
  std::vector<float> target(4);
  CHECK_THROWS_AS(resize_bilinear(std::vector<float>(5), 2, 2, target, 2, 2), std::invalid_argument);
  CHECK_THROWS_AS(resize_bilinear(std::vector<float>(4), 2, 2, target, 3, 2), std::invalid_argument);
}
