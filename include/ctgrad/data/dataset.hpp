#pragma once
// A labelled data set split, read from two .npy files any tool can write:
//   <dir>/<name>_images.npy  float32, [N, d1, d2, ...]: N examples of one shape
//                            (images: [N, planes, height, width])
//   <dir>/<name>_labels.npy  integers (uint8, int32 or int64), [N]: each
//                            example's class, 0 .. classes - 1
// The caller states the example shape and class count it expects (a trainer
// takes them from its model), and every mismatch is a one-line io::Error
// naming the file, what was expected and what was found.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ctgrad/io/error.hpp"
#include "ctgrad/io/npy.hpp"

namespace ctgrad::data {

struct Split {
  std::vector<std::size_t> example_shape;  // the shape of one example, without N
  std::vector<float> images;               // count() examples of example_size() values, row-major
  std::vector<std::uint32_t> labels;       // count() classes
  std::size_t count() const { return labels.size(); }
  std::size_t example_size() const {
    std::size_t size = 1;
    for (const std::size_t extent : example_shape) size *= extent;
    return size;
  }
  std::span<const float> example(std::size_t index) const {
    return std::span<const float>(images).subspan(index * example_size(), example_size());
  }
};

// "(N, 1, 16, 16)" for an example shape {1, 16, 16}.
inline std::string format_split_shape(std::span<const std::size_t> example_shape) {
  std::string text = "(N";
  for (const std::size_t extent : example_shape) text += ", " + std::to_string(extent);
  return text + ")";
}

// The split `name` of the folder `dir`, checked against the example shape and
// class count the caller expects. `how_to_make` ends the message for a
// missing file (e.g. "run `lenet1 prepare` first").
inline Split load_split(const std::filesystem::path& dir, std::string_view name,
                        std::span<const std::size_t> example_shape, std::size_t classes,
                        std::string_view how_to_make = {}) {
  using io::fail;
  const std::string hint = how_to_make.empty() ? std::string() : " (" + std::string(how_to_make) + ")";
  const std::filesystem::path images_file = dir / (std::string(name) + "_images.npy");
  const std::filesystem::path labels_file = dir / (std::string(name) + "_labels.npy");
  if (!std::filesystem::is_directory(dir)) fail(dir, "expected a data folder, found none" + hint);
  for (const std::filesystem::path& file : {images_file, labels_file})
    if (!std::filesystem::exists(file)) fail(file, "expected a .npy file, found none" + hint);

  io::NpyArray<float> images = io::read_npy<float>(images_file);
  io::NpyArray<std::int64_t> labels = io::read_npy_labels(labels_file);
  const std::vector<std::size_t>& shape = images.shape;
  if (shape.size() != example_shape.size() + 1 ||
      !std::equal(example_shape.begin(), example_shape.end(), shape.begin() + 1))
    fail(images_file, "expected shape " + format_split_shape(example_shape) + " (the model's input), found " +
                          io::npy_detail::format_shape(shape));
  if (labels.shape.size() != 1)
    fail(labels_file, "expected shape (N,), found " + io::npy_detail::format_shape(labels.shape));
  if (labels.shape[0] != shape[0])
    fail(labels_file, "expected " + std::to_string(shape[0]) + " labels, one per image in " +
                          images_file.filename().string() + ", found " + std::to_string(labels.shape[0]));
  Split split{std::vector<std::size_t>(example_shape.begin(), example_shape.end()), std::move(images.values), {}};
  split.labels.reserve(labels.values.size());
  for (std::size_t index = 0; index < labels.values.size(); ++index) {
    const std::int64_t label = labels.values[index];
    if (label < 0 || static_cast<std::uint64_t>(label) >= classes)
      fail(labels_file, "expected labels 0.." + std::to_string(classes - 1) + " (the model's " +
                            std::to_string(classes) + " classes), found " + std::to_string(label) + " at index " +
                            std::to_string(index));
    split.labels.push_back(static_cast<std::uint32_t>(label));
  }
  for (std::size_t index = 0; index < split.images.size(); ++index)
    if (!std::isfinite(split.images[index]))
      fail(images_file, "expected finite values, found " + std::to_string(split.images[index]) + " at flat index " +
                            std::to_string(index));
  return split;
}

}  // namespace ctgrad::data
