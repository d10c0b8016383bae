#pragma once
// `lenet5 prepare`: Fashion-MNIST (Xiao, Rasul and Vollgraf 2017), as the
// Debian package dataset-fashion-mnist ships it (gzip-compressed IDX files
// under /usr/share/datasets/fashion-mnist), into the generic split layout of
// ctgrad/data/dataset.hpp: <out>/{train,test}_{images,labels}.npy, float32
// [N, 1, 28, 28] with the pixels scaled to [-1, 1] (background -1, as lenet1
// prepare's digits), and uint8 [N] in 0..9. 60,000 training and 10,000 test
// images. Any other folder of the four MNIST-style files
// (train-images-idx3-ubyte.gz, ...) works too. With side 16 the images are
// resampled as lenet1 prepare resamples its digits (bilinear, PyTorch's
// align_corners=False), for LeNet-1 on the same data.
#include <cstddef>
#include <filesystem>
#include <ostream>

namespace lenet5 {

struct PrepareOptions {
  std::filesystem::path source = "/usr/share/datasets/fashion-mnist";
  std::filesystem::path out = "data/fashion-mnist";
  std::size_t side = 28;  // 28 (as stored) or 16 (resampled)
};

// Reads, checks (shapes, counts, labels below 10) and writes both splits.
// Throws ctgrad::io::Error with a one-line message naming the file.
void prepare(const PrepareOptions& options, std::ostream& log);

}  // namespace lenet5
