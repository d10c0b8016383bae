#pragma once
// `lenet5 prepare`: Fashion-MNIST (Xiao, Rasul and Vollgraf 2017), as the
// Debian package dataset-fashion-mnist ships it (gzip-compressed IDX files
// under /usr/share/datasets/fashion-mnist), into the generic split layout of
// ctgrad/data/dataset.hpp: <out>/{train,test}_{images,labels}.npy, float32
// [N, 1, 28, 28] with the pixels scaled to [0, 1] (value / 255), and uint8
// [N] in 0..9. 60,000 training and 10,000 test images. Any other folder of
// the four MNIST-style files (train-images-idx3-ubyte.gz, ...) works too.
#include <filesystem>
#include <ostream>

namespace lenet5 {

struct PrepareOptions {
  std::filesystem::path source = "/usr/share/datasets/fashion-mnist";
  std::filesystem::path out = "data/fashion-mnist";
};

// Reads, checks (shapes, counts, labels below 10) and writes both splits.
// Throws ctgrad::io::Error with a one-line message naming the file.
void prepare(const PrepareOptions& options, std::ostream& log);

}  // namespace lenet5
