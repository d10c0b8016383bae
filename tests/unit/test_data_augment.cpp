// Data augmentation: roll with wrap-around (torch.roll over the spatial axes)
// on hand-filled images, and the random one-pixel shifts of modern.py.
#include <array>
#include <map>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/data/augment.hpp>

using namespace ctgrad;
using namespace ctgrad::data;

namespace {

using Image = Shape<2, 3, 4>;

// Element (c, y, x) holds 100 c + 10 y + x.
Tensor<Image> numbered_image() {
  return {{0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23,  //
           100, 101, 102, 103, 110, 111, 112, 113, 120, 121, 122, 123}};
}

std::vector<float> values(const Tensor<Image>& image) { return {image.begin(), image.end()}; }

// Returns the scripted words in order: tests uniform_below's rejection.
struct ScriptedGenerator {
  using result_type = std::uint32_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return 0xFFFFFFFFu; }
  std::array<result_type, 3> words;
  std::size_t next = 0;
  result_type operator()() { return words.at(next++); }
};

}  // namespace

TEST_CASE("roll: rows move down by dy, columns right by dx, wrapping around", "[data]") {
  const auto image = numbered_image();
  // torch.roll(x, (1, 0), (1, 2)): the last row comes to the top.
  CHECK(values(roll(image, {1, 0})) == std::vector<float>{20, 21, 22, 23, 0, 1, 2, 3, 10, 11, 12, 13,  //
                                                          120, 121, 122, 123, 100, 101, 102, 103, 110, 111, 112, 113});
  // (0, -1): the first column goes to the right edge.
  CHECK(values(roll(image, {0, -1})) == std::vector<float>{1, 2, 3, 0, 11, 12, 13, 10, 21, 22, 23, 20,  //
                                                           101, 102, 103, 100, 111, 112, 113, 110, 121, 122, 123, 120});
  // (-1, 1): up one row and right one column.
  CHECK(values(roll(image, {-1, 1})) == std::vector<float>{13, 10, 11, 12, 23, 20, 21, 22, 3, 0, 1, 2,  //
                                                           113, 110, 111, 112, 123, 120, 121, 122, 103, 100, 101, 102});
  // Shifts are taken modulo the extents; (0, 0) copies.
  CHECK(values(roll(image, {4, -3})) == values(roll(image, {1, 1})));
  CHECK(values(roll(image, {-3, 8})) == values(image));
  CHECK(values(roll(image, {0, 0})) == values(image));
}

TEST_CASE("roll: one [height, width] plane, through spans", "[data]") {
  const std::array<float, 6> plane = {1, 2, 3, 4, 5, 6};  // [[1, 2, 3], [4, 5, 6]]
  std::array<float, 6> rolled{};
  roll<Shape<2, 3>>(std::span<const float, 6>(plane), std::span<float, 6>(rolled), {1, 1});
  CHECK(rolled == std::array<float, 6>{6, 4, 5, 3, 1, 2});
}

TEST_CASE("uniform_below: rejects the draws that would bias the result", "[data]") {
  // 2^32 = 3 * 1431655765 + 1: only the top word, 2^32 - 1, is rejected for 3.
  ScriptedGenerator generator{{0xFFFFFFFFu, 0xFFFFFFFEu, 7u}};
  CHECK(uniform_below(generator, 3) == 0xFFFFFFFEu % 3);
  CHECK(generator.next == 2);
  ScriptedGenerator unbiased{{5u, 0u, 0u}};
  CHECK(uniform_below(unbiased, 3) == 2);
  // For 10, words from 4294967290 = 2^32 - 2^32 % 10 up are rejected.
  ScriptedGenerator ten{{4294967290u, 4294967289u, 0u}};
  CHECK(uniform_below(ten, 10) == 9);
  CHECK(ten.next == 2);
}

TEST_CASE("random_shift: all nine one-pixel shifts, evenly, the same for a seed", "[data]") {
  std::mt19937 rng(42);
  std::map<std::pair<int, int>, int> counts;
  constexpr int draws = 9000;
  for (int i = 0; i < draws; ++i) {
    const Shift shift = draw_shift(rng);
    ++counts[{shift.dy, shift.dx}];
  }
  REQUIRE(counts.size() == 9);
  for (const auto& [shift, count] : counts) {
    INFO("dy " << shift.first << " dx " << shift.second << " count " << count);
    CHECK(shift.first >= -1);
    CHECK(shift.first <= 1);
    CHECK(shift.second >= -1);
    CHECK(shift.second <= 1);
    // Binomial(9000, 1/9): mean 1000, standard deviation 30.
    CHECK(std::abs(count - draws / 9) <= 120);
  }

  // Deterministic: one seed, one sequence, and random_shift rolls by draw_shift.
  std::mt19937 a(5), b(5), c(5);
  std::vector<Shift> first, second;
  for (int i = 0; i < 50; ++i) {
    first.push_back(draw_shift(a));
    second.push_back(draw_shift(b));
  }
  CHECK(first == second);
  const auto image = numbered_image();
  for (const Shift& shift : first) CHECK(values(random_shift(image, c)) == values(roll(image, shift)));

  // The span form, for writing straight into a graph's input.
  std::mt19937 d(5);
  Tensor<Image> destination;
  CHECK(random_shift<Image>(image.span(), destination.span(), d) == first[0]);
  CHECK(values(destination) == values(roll(image, first[0])));
}

TEST_CASE("random_shift by up to two pixels: all 25 shifts, evenly; one pixel is the default's draws", "[data]") {
  std::mt19937 rng(43);
  std::map<std::pair<int, int>, int> counts;
  constexpr int draws = 25000;
  for (int i = 0; i < draws; ++i) {
    const Shift shift = draw_shift(rng, 2);
    ++counts[{shift.dy, shift.dx}];
  }
  REQUIRE(counts.size() == 25);
  for (const auto& [shift, count] : counts) {
    INFO("dy " << shift.first << " dx " << shift.second << " count " << count);
    CHECK(std::abs(shift.first) <= 2);
    CHECK(std::abs(shift.second) <= 2);
    // Binomial(25000, 1/25): mean 1000, standard deviation 31.
    CHECK(std::abs(count - draws / 25) <= 125);
  }
  // max_shift 1 draws what the one-pixel default draws, so old runs repeat.
  std::mt19937 a(7), b(7);
  for (int i = 0; i < 100; ++i) CHECK(draw_shift(a, 1) == draw_shift(b));
  const auto image = numbered_image();
  std::mt19937 c(8), d(8);
  CHECK(values(random_shift(image, c, 2)) == values(roll(image, draw_shift(d, 2))));
}
