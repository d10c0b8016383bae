#pragma once
// The IDX files of MNIST and Fashion-MNIST (LeCun's format), read from their
// gzip-compressed .gz files through zlib:
//   magic: 0x00 0x00, an element type (0x08: unsigned bytes), a rank
//   extents: rank big-endian uint32 values
//   data:    their product of bytes, row-major
// Images are rank 3 [N, rows, columns], labels rank 1 [N]. Every field is
// checked against what the caller expects and against the file's length,
// and each mistake is one ctgrad::io::Error line naming the file.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace lenet5 {

struct IdxArray {
  std::vector<std::size_t> shape;   // the header's extents
  std::vector<std::uint8_t> values;  // their product of bytes
};

// The IDX array of unsigned bytes of rank `rank` in `file` (gzip-compressed,
// or plain: zlib reads both).
IdxArray read_idx(const std::filesystem::path& file, std::size_t rank);

}  // namespace lenet5
