#pragma once
// The 16x16 digit splits `lenet1 prepare` writes, read by every program: <dir>/<name>_images.npy, float32
// [N, 1, 16, 16] in [-1, 1], and <dir>/<name>_labels.npy, uint8 [N] in 0..9.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ctgrad/io/error.hpp"
#include "ctgrad/io/npy.hpp"

namespace ctgrad::data {

struct Split {
  static constexpr std::size_t image_side = 16;
  static constexpr std::size_t class_count = 10;
  std::vector<float> images;  // count() images of image_side * image_side, row-major
  std::vector<std::uint8_t> labels;
  std::size_t count() const { return labels.size(); }
};

inline Split load_split(const std::filesystem::path& dir, std::string_view name) {
  using ctgrad::io::fail;
  const std::filesystem::path images_file = dir / (std::string(name) + "_images.npy");
  const std::filesystem::path labels_file = dir / (std::string(name) + "_labels.npy");
  if (!std::filesystem::is_directory(dir))
    fail(dir, "expected a folder of prepared digits, found none (run `lenet1 prepare` first)");
  for (const std::filesystem::path& file : {images_file, labels_file})
    if (!std::filesystem::exists(file))
      fail(file, "expected a prepared .npy file, found none (run `lenet1 prepare` first)");

  ctgrad::io::NpyArray<float> images = ctgrad::io::read_npy<float>(images_file);
  ctgrad::io::NpyArray<std::uint8_t> labels = ctgrad::io::read_npy<std::uint8_t>(labels_file);
  const std::vector<std::size_t>& shape = images.shape;
  if (shape.size() != 4 || shape[1] != 1 || shape[2] != Split::image_side || shape[3] != Split::image_side)
    fail(images_file, "expected shape (N, 1, 16, 16), found " + ctgrad::io::npy_detail::format_shape(shape));
  if (labels.shape.size() != 1)
    fail(labels_file, "expected shape (N,), found " + ctgrad::io::npy_detail::format_shape(labels.shape));
  if (labels.shape[0] != shape[0])
    fail(labels_file, "expected " + std::to_string(shape[0]) + " labels, one per image in " +
                          images_file.filename().string() + ", found " + std::to_string(labels.shape[0]));
  for (std::size_t index = 0; index < labels.values.size(); ++index)
    if (labels.values[index] >= Split::class_count)
      fail(labels_file, "expected labels 0..9, found " + std::to_string(labels.values[index]) + " at index " +
                            std::to_string(index));
  for (std::size_t index = 0; index < images.values.size(); ++index)
    if (!std::isfinite(images.values[index]))
      fail(images_file, "expected finite pixel values, found " + std::to_string(images.values[index]) +
                            " at flat index " + std::to_string(index));
  return Split{std::move(images.values), std::move(labels.values)};
}

}  // namespace ctgrad::data
