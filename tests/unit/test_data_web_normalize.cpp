// The browser page's path from a drawing to the network's input
// (web/normalize.hpp): MNIST's 20x20 fit and centring by mass, then
// lenet1 prepare's resampling to 16x16.
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <vector>

#include <catch2/catch.hpp>

#include "web/normalize.hpp"

namespace {

using lenet1::web::mnist_side;

struct Canvas {
  static constexpr std::size_t side = 280;
  std::vector<float> ink = std::vector<float>(side * side, 0.f);
  void fill(std::size_t left, std::size_t top, std::size_t width, std::size_t height) {
    for (std::size_t y = top; y < top + height; ++y)
      for (std::size_t x = left; x < left + width; ++x) ink[y * side + x] = 1.f;
  }
  lenet1::web::Drawing drawing() const { return {ink, side, side}; }
};

struct Extent {
  std::size_t first = mnist_side, last = 0;  // ink in [first, last)
};

}  // namespace

TEST_CASE("an empty drawing is no digit") {
  const Canvas canvas;
  std::array<float, mnist_side * mnist_side> digit{};
  CHECK_FALSE(lenet1::web::mnist_digit(canvas.drawing(), digit));
}

TEST_CASE("a drawing is fitted into 20x20, keeping its aspect ratio, and centred by mass in 28x28") {
  Canvas canvas;
  canvas.fill(30, 50, 100, 200);  // 1 wide : 2 high, far from the centre
  std::array<float, mnist_side * mnist_side> digit{};
  REQUIRE(lenet1::web::mnist_digit(canvas.drawing(), digit));

  Extent rows, columns;
  double mass = 0, mass_x = 0, mass_y = 0;
  for (std::size_t y = 0; y < mnist_side; ++y)
    for (std::size_t x = 0; x < mnist_side; ++x) {
      const float value = digit[y * mnist_side + x];
      CHECK(value >= 0.f);
      CHECK(value <= 1.f);
      if (value == 0.f) continue;
      rows.first = std::min(rows.first, y), rows.last = std::max(rows.last, y + 1);
      columns.first = std::min(columns.first, x), columns.last = std::max(columns.last, x + 1);
      mass += value, mass_x += value * (static_cast<double>(x) + 0.5), mass_y += value * (static_cast<double>(y) + 0.5);
    }
  CHECK(rows.last - rows.first == 20);     // the longer side fills the box
  CHECK(columns.last - columns.first == 10);  // the other keeps the ratio
  CHECK(mass == Approx(200).epsilon(1e-5));   // every pixel of the fitted box fully inked
  CHECK(std::abs(mass_x / mass - 14.0) <= 0.5);
  CHECK(std::abs(mass_y / mass - 14.0) <= 0.5);
}

TEST_CASE("a thin stroke keeps its ink, averaged over the area each pixel covers") {
  Canvas canvas;
  canvas.fill(139, 40, 7, 200);  // a 1: 7 of 200 pixels wide, 10 pixels of the drawing to one of the digit
  std::array<float, mnist_side * mnist_side> digit{};
  REQUIRE(lenet1::web::mnist_digit(canvas.drawing(), digit));
  // The fitted box is 1 pixel wide (7 * 20 / 200 rounds to 1) and holds the
  // stroke's whole width: each of its 20 pixels is the average over 7 x 10
  // drawing pixels of full ink.
  const float total = std::accumulate(digit.begin(), digit.end(), 0.f);
  CHECK(total == Approx(20).epsilon(1e-5));
}

TEST_CASE("the 28x28 digit becomes the network's 16x16 input as lenet1 prepare makes it") {
  std::array<float, mnist_side * mnist_side> digit{};
  std::array<float, 16 * 16> prepared{};
  lenet1::web::prepared_digit(digit, prepared);
  CHECK(std::all_of(prepared.begin(), prepared.end(), [](float pixel) { return pixel == -1.f; }));  // paper
  digit.fill(1.f);
  lenet1::web::prepared_digit(digit, prepared);
  CHECK(std::all_of(prepared.begin(), prepared.end(), [](float pixel) { return pixel == 1.f; }));  // ink

  // The same numbers as resize_bilinear followed by prepare.cpp's 2x - 1.
  for (std::size_t i = 0; i < digit.size(); ++i) digit[i] = static_cast<float>(i % 29) / 28.f;
  lenet1::web::prepared_digit(digit, prepared);
  std::array<float, 16 * 16> expected{};
  ctgrad::data::resize_bilinear(digit, mnist_side, mnist_side, expected, 16, 16);
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(prepared[i] == expected[i] * 2.f - 1.f);
}
