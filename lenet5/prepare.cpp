#include "lenet5/prepare.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ctgrad/data/resize.hpp>
#include <ctgrad/io/error.hpp>
#include <ctgrad/io/npy.hpp>

#include "lenet5/idx.hpp"

namespace lenet5 {

namespace {

constexpr std::size_t side = 28, classes = 10;

// One split: `prefix` is "train" or "t10k", the files' names in the MNIST layout.
void prepare_split(const PrepareOptions& options, const std::string& prefix, const std::string& name,
                   std::ostream& log) {
  using ctgrad::io::fail;
  const auto images_file = options.source / (prefix + "-images-idx3-ubyte.gz");
  const auto labels_file = options.source / (prefix + "-labels-idx1-ubyte.gz");
  const IdxArray images = read_idx(images_file, 3);
  const IdxArray labels = read_idx(labels_file, 1);
  if (images.shape[1] != side || images.shape[2] != side)
    fail(images_file, "expected 28x28 images, found " + std::to_string(images.shape[1]) + "x" +
                          std::to_string(images.shape[2]));
  const std::size_t count = images.shape[0];
  if (labels.shape[0] != count)
    fail(labels_file, "expected " + std::to_string(count) + " labels, one per image in " +
                          images_file.filename().string() + ", found " + std::to_string(labels.shape[0]));
  for (std::size_t i = 0; i < count; ++i)
    if (labels.values[i] >= classes)
      fail(labels_file, "expected labels 0..9, found " + std::to_string(labels.values[i]) + " at index " +
                            std::to_string(i));
  // [0, 255] onto [-1, 1]: background -1, as the paper's and lenet1 prepare's.
  std::vector<float> pixels(images.values.size());
  for (std::size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = static_cast<float>(images.values[i]) / 127.5f - 1.f;
  const std::size_t out_side = options.side;
  if (out_side != side) {
    std::vector<float> resampled(count * out_side * out_side);
    for (std::size_t i = 0; i < count; ++i)
      ctgrad::data::resize_bilinear(std::span<const float>(pixels).subspan(i * side * side, side * side), side, side,
                                  std::span(resampled).subspan(i * out_side * out_side, out_side * out_side),
                                  out_side, out_side);
    pixels = std::move(resampled);
  }
  const std::array<std::size_t, 4> image_shape = {count, 1, out_side, out_side};
  const std::array<std::size_t, 1> label_shape = {count};
  ctgrad::io::write_npy<float>(options.out / (name + "_images.npy"), image_shape, pixels);
  ctgrad::io::write_npy<std::uint8_t>(options.out / (name + "_labels.npy"), label_shape, labels.values);
  log << "prepare: " << name << " " << count << " images from " << images_file.string()
      << (out_side == side ? "" : ", resampled to " + std::to_string(out_side) + "x" + std::to_string(out_side))
      << "\n";
}

}  // namespace

void prepare(const PrepareOptions& options, std::ostream& log) {
  if (options.side != 28 && options.side != 16)
    throw std::invalid_argument("--side: expected 28 or 16, found " + std::to_string(options.side));
  if (!std::filesystem::is_directory(options.source))
    ctgrad::io::fail(options.source, "expected a folder of Fashion-MNIST's IDX files, found none (install them: "
                                     "apt-get install dataset-fashion-mnist)");
  std::filesystem::create_directories(options.out);
  prepare_split(options, "train", "train", log);
  prepare_split(options, "t10k", "test", log);
  log << "prepare: wrote " << options.out.string() << "/{train,test}_{images,labels}.npy\n";
}

}  // namespace lenet5
