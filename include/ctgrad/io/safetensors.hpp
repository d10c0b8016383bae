#pragma once
// The safetensors file format, so weights move to and from PyTorch and
// friends without a converter: named F32 tensors, read and written. A
// model's parameters to and from such a file are nn/weights.hpp's. Layout: a u64 little-endian header length,
// a JSON header giving each tensor's dtype, shape and byte range, then the
// data buffer. Only F32 is supported: it is the only type ctgrad trains in.
//
// The reader treats the file as hostile: every number in the header is
// checked against the file's real size before it sizes an allocation or a
// read, and the byte ranges must tile the data buffer exactly, so a file
// cannot hide bytes, alias two tensors, or point outside itself.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ctgrad/core/shape.hpp"
#include "ctgrad/detail/separate_compilation.hpp"
#include "ctgrad/io/error.hpp"

namespace ctgrad::io {

static_assert(std::endian::native == std::endian::little,
              "ctgrad safetensors I/O copies floats byte for byte, which is only right on a little-endian host");

struct TensorView {
  std::string name;
  std::vector<std::size_t> shape;
  std::span<const float> values;
};

struct TensorData {
  std::vector<std::size_t> shape;
  std::vector<float> values;
};

namespace safetensors_detail {

// "[2,3]" for the shape {2, 3} (core/shape.hpp).
using ctgrad::shape_text;
// Tensor names come from the file; a control character in one must not split
// the one-line error message.
CTGRAD_DECL std::string printable(std::string_view name);
// The number of elements of `shape`; empty when the product does not fit in
// 64 bits. A zero extent makes the product zero whatever the others are.
CTGRAD_DECL std::optional<std::uint64_t> element_count(std::span<const std::size_t> shape);

}  // namespace safetensors_detail

// `tensors` (F32) and the optional __metadata__ strings into `file`, written
// atomically: the file is whole, or as it was before.
CTGRAD_DECL void write_safetensors(const std::filesystem::path& file, std::span<const TensorView> tensors,
                                   const std::map<std::string, std::string>& metadata = {});

// The whole of a seekable stream as one safetensors file: a file, or bytes in
// memory in a std::istringstream (the fuzzer's input). Messages name `file`,
// whatever the stream really is. If `metadata` is given, it receives the
// file's __metadata__ strings.
CTGRAD_DECL std::map<std::string, TensorData> read_safetensors(std::istream& stream, const std::filesystem::path& file,
                                                               std::map<std::string, std::string>* metadata = nullptr);
// The file `file`, as above.
CTGRAD_DECL std::map<std::string, TensorData> read_safetensors(const std::filesystem::path& file,
                                                               std::map<std::string, std::string>* metadata = nullptr);

}  // namespace ctgrad::io

#if !defined(CTGRAD_SEPARATE_COMPILATION)
#include "ctgrad/io/impl/safetensors.ipp"
#endif
