#include "lenet5/prepare.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

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
  std::vector<float> pixels(images.values.size());
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<float>(images.values[i]) / 255.f;
  const std::array<std::size_t, 4> image_shape = {count, 1, side, side};
  const std::array<std::size_t, 1> label_shape = {count};
  ctgrad::io::write_npy<float>(options.out / (name + "_images.npy"), image_shape, pixels);
  ctgrad::io::write_npy<std::uint8_t>(options.out / (name + "_labels.npy"), label_shape, labels.values);
  log << "prepare: " << name << " " << count << " images from " << images_file.string() << "\n";
}

}  // namespace

void prepare(const PrepareOptions& options, std::ostream& log) {
  if (!std::filesystem::is_directory(options.source))
    ctgrad::io::fail(options.source, "expected a folder of Fashion-MNIST's IDX files, found none (install them: "
                                     "apt-get install dataset-fashion-mnist)");
  std::filesystem::create_directories(options.out);
  prepare_split(options, "train", "train", log);
  prepare_split(options, "t10k", "test", log);
  log << "prepare: wrote " << options.out.string() << "/{train,test}_{images,labels}.npy\n";
}

}  // namespace lenet5
