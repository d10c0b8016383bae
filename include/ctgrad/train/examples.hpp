#pragma once
// What the trainer knows of its data: the prepared splits, one example's
// image, and how an example is written into a graph.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>

#include "ctgrad/data/digits.hpp"

namespace ctgrad::training {

using data::load_split;
using data::Split;

inline constexpr std::size_t image_size = Split::image_side * Split::image_side;

// A wrong flag or input file: the programs print it in one line and exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Splits {
  Split train, test;
};
// Both splits of a data folder; a folder that is not there is a usage error.
inline Splits load_splits(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir))
    throw UsageError("--data: expected a folder with the prepared digits, found no folder " + dir.string() +
                     " (run `lenet1 prepare --out " + dir.string() + "`)");
  return {load_split(dir, "train"), load_split(dir, "test")};
}

inline std::span<const float, image_size> example_image(const Split& split, std::size_t index) {
  return std::span<const float, image_size>(split.images.data() + index * image_size, image_size);
}

template <class Model>
constexpr void check_model() {
  static_assert(Model::image_shape::size == image_size, "trainer: the model's input must be one 16x16 digit");
  static_assert(Model::classes == Split::class_count, "trainer: the model must score the 10 digit classes");
}

// The input and the target of one example, written into example b of a
// graph: +1 for the true class and -1 elsewhere for the paper's MSE, a
// one-hot probability vector for cross-entropy.
template <class Model, class G>
void load_example(G& graph, std::size_t b, std::span<const float, image_size> image, std::uint8_t label) {
  std::copy(image.begin(), image.end(), graph.template input<"x">(b).begin());
  auto& target = graph.template input<"target">(b);
  target.fill(Model::cross_entropy ? 0.f : -1.f);
  target[label] = 1.f;
}

}  // namespace ctgrad::training
