#pragma once
// NumPy .npy files, format version 1.0 (numpy/lib/format.py, NEP 1):
//
//   "\x93NUMPY" | major 1 | minor 0 | header length (uint16, little-endian) | header | data
//
// The header is a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 16, 16), }
// padded with spaces and ended by '\n' so that the data start on a 64-byte
// boundary. Only the element types this project stores are supported:
// float ('<f4'), std::uint8_t ('|u1'), std::int32_t ('<i4') and std::int64_t
// ('<i8'), all in C order.
//
// Files come from disk and may be damaged or hostile, so the reader checks
// every length against the file's size before it reads or allocates.
#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ctgrad/io/atomic_file.hpp"
#include "ctgrad/io/error.hpp"

namespace ctgrad::io {

static_assert(std::endian::native == std::endian::little,
              "npy.hpp copies '<f4' data straight into floats, which needs a little-endian host");

// The element types read and written: float32 data, and the integer types
// labels come in (uint8 from our own tools; int32 and int64, numpy's default
// integers, from a user's np.save).
template <class T>
concept NpyElement = std::same_as<T, float> || std::same_as<T, std::uint8_t> || std::same_as<T, std::int32_t> ||
                     std::same_as<T, std::int64_t>;

template <NpyElement T>
inline constexpr std::string_view npy_descr = std::same_as<T, float>          ? "<f4"
                                              : std::same_as<T, std::uint8_t> ? "|u1"
                                              : std::same_as<T, std::int32_t> ? "<i4"
                                                                              : "<i8";

template <NpyElement T>
struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<T> values;
};

namespace npy_detail {

inline constexpr std::string_view magic = "\x93NUMPY";
inline constexpr std::size_t preamble_size = magic.size() + 2 + 2;  // magic, version, header length
inline constexpr std::size_t data_alignment = 64;
// numpy 2's NPY_MAXDIMS; more dimensions than that is no array numpy could have written.
inline constexpr std::size_t max_dimensions = 64;

// Python's repr of a shape tuple: (), (3,), (2, 1, 16, 16).
inline std::string format_shape(std::span<const std::size_t> shape) {
  std::string text = "(";
  for (std::size_t axis = 0; axis < shape.size(); ++axis) {
    if (axis > 0) text += ", ";
    text += std::to_string(shape[axis]);
  }
  if (shape.size() == 1) text += ",";
  return text + ")";
}

// Number of elements, or nothing if the product does not fit in size_t.
inline std::optional<std::size_t> element_count(std::span<const std::size_t> shape) {
  std::size_t count = 1;
  for (std::size_t extent : shape) {
    if (extent != 0 && count > std::numeric_limits<std::size_t>::max() / extent) return std::nullopt;
    count *= extent;
  }
  return count;
}

// Bytes from a damaged file, shown so that a message stays one printable line.
inline std::string printable(std::string_view bytes) {
  static constexpr char hex_digits[] = "0123456789abcdef";
  std::string text;
  for (char character : bytes) {
    const auto code = static_cast<unsigned char>(character);
    if (code >= 0x20 && code < 0x7f && character != '\\') {
      text += character;
    } else {
      text += "\\x";
      text += hex_digits[code >> 4];
      text += hex_digits[code & 0xf];
    }
  }
  return text;
}

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::size_t> shape;
};

// Recursive-descent parser for the one dict literal numpy writes. It accepts
// what Python's ast.literal_eval would accept for that dict (any whitespace,
// either quote, a trailing comma) and nothing else: no escapes, no other keys.
class HeaderParser {
 public:
  HeaderParser(const std::filesystem::path& file, std::string_view text) : file_(file), text_(text) {}

  Header parse() {
    Header header;
    bool seen_descr = false, seen_fortran_order = false, seen_shape = false;
    skip_whitespace();
    expect('{', "'{' opening the header dict");
    while (true) {
      skip_whitespace();
      if (peek() == '}') break;
      const std::string key = parse_string("a quoted key");
      skip_whitespace();
      expect(':', "':' after key '" + key + "'");
      skip_whitespace();
      if (key == "descr" && !seen_descr) {
        header.descr = parse_string("a quoted dtype string for 'descr'");
        seen_descr = true;
      } else if (key == "fortran_order" && !seen_fortran_order) {
        header.fortran_order = parse_bool();
        seen_fortran_order = true;
      } else if (key == "shape" && !seen_shape) {
        header.shape = parse_shape();
        seen_shape = true;
      } else if (key == "descr" || key == "fortran_order" || key == "shape") {
        fail(file_, "expected each header key once, found '" + key + "' twice");
      } else {
        fail(file_, "expected only the header keys 'descr', 'fortran_order' and 'shape', found '" +
                        printable(key) + "'");
      }
      skip_whitespace();
      if (peek() == ',') {
        ++position_;
        continue;
      }
      if (peek() != '}') unexpected("',' or '}' after the value of '" + key + "'");
    }
    ++position_;  // the '}'
    skip_whitespace();
    if (position_ != text_.size()) unexpected("only padding after the header dict");
    if (!seen_descr) fail(file_, "expected the header key 'descr', found it missing");
    if (!seen_fortran_order) fail(file_, "expected the header key 'fortran_order', found it missing");
    if (!seen_shape) fail(file_, "expected the header key 'shape', found it missing");
    return header;
  }

 private:
  static bool is_whitespace(char character) {
    return character == ' ' || character == '\t' || character == '\n' || character == '\r';
  }
  static bool is_digit(char character) { return character >= '0' && character <= '9'; }

  // '\0' stands for the end of the header; a NUL inside it is no valid token either.
  char peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }

  void skip_whitespace() {
    while (position_ < text_.size() && is_whitespace(text_[position_])) ++position_;
  }

  [[noreturn]] void unexpected(const std::string& expected) const {
    const std::string found = position_ < text_.size()
                                  ? "'" + printable(text_.substr(position_, 1)) + "'"
                                  : std::string("the end of the header");
    fail(file_, "expected " + expected + " at header offset " + std::to_string(position_) + ", found " +
                    found);
  }

  void expect(char character, const std::string& what) {
    if (peek() != character) unexpected(what);
    ++position_;
  }

  std::string parse_string(const std::string& what) {
    const char quote = peek();
    if (quote != '\'' && quote != '"') unexpected(what);
    const std::size_t start = ++position_;
    while (position_ < text_.size() && text_[position_] != quote) {
      if (text_[position_] == '\\' || text_[position_] == '\n') unexpected("a plain string without escapes");
      ++position_;
    }
    if (position_ == text_.size()) unexpected("a closing " + std::string(1, quote));
    return std::string(text_.substr(start, position_++ - start));
  }

  bool parse_bool() {
    if (consume("True")) return true;
    if (consume("False")) return false;
    unexpected("True or False for 'fortran_order'");
  }

  bool consume(std::string_view word) {
    if (text_.substr(position_, word.size()) != word) return false;
    position_ += word.size();
    return true;
  }

  std::size_t parse_extent() {
    if (!is_digit(peek())) unexpected("a non-negative integer in 'shape'");
    std::size_t extent = 0;
    while (is_digit(peek())) {
      const auto digit = static_cast<std::size_t>(peek() - '0');
      if (extent > (std::numeric_limits<std::size_t>::max() - digit) / 10)
        fail(file_, "expected shape extents that fit in 64 bits, found a larger one at header offset " +
                        std::to_string(position_));
      extent = extent * 10 + digit;
      ++position_;
    }
    return extent;
  }

  std::vector<std::size_t> parse_shape() {
    std::vector<std::size_t> shape;
    expect('(', "a tuple '(' for 'shape'");
    bool trailing_comma = false;
    while (true) {
      skip_whitespace();
      if (peek() == ')') break;
      if (shape.size() == max_dimensions)
        fail(file_, "expected at most " + std::to_string(max_dimensions) + " dimensions, found more");
      shape.push_back(parse_extent());
      skip_whitespace();
      trailing_comma = peek() == ',';
      if (trailing_comma) {
        ++position_;
      } else if (peek() != ')') {
        unexpected("',' or ')' in 'shape'");
      }
    }
    // In Python "(3)" is the integer 3, not a tuple: numpy never writes it.
    if (shape.size() == 1 && !trailing_comma) unexpected("',' making a one-element tuple like (3,)");
    ++position_;  // the ')'
    return shape;
  }

  const std::filesystem::path& file_;
  std::string_view text_;
  std::size_t position_ = 0;
};

// A stream positioned at the data, with its parsed header.
struct Opened {
  Header header;
  std::uintmax_t data_bytes = 0;  // what the stream holds after the header
};

// Reads and checks the preamble and header of the .npy file in `stream`.
inline Opened open(std::istream& stream, const std::filesystem::path& file) {
  // The size of the stream actually read, not of whatever the path names now.
  stream.seekg(0, std::ios::end);
  const std::streamoff end_position = stream.tellg();
  if (end_position < 0) fail(file, "expected a readable .npy file, found its size unreadable");
  const auto file_size = static_cast<std::uintmax_t>(end_position);
  stream.seekg(0);

  if (file_size < preamble_size)
    fail(file, "expected at least the " + std::to_string(preamble_size) + "-byte .npy preamble, found " +
                   std::to_string(file_size) + " bytes");
  std::array<char, preamble_size> preamble{};
  if (!stream.read(preamble.data(), preamble.size())) fail(file, "expected the .npy preamble, found a read error");
  const std::string_view preamble_text(preamble.data(), preamble.size());
  if (preamble_text.substr(0, magic.size()) != magic)
    fail(file, "expected the .npy magic \\x93NUMPY, found '" + printable(preamble_text.substr(0, magic.size())) + "'");
  const auto major = static_cast<unsigned char>(preamble[6]);
  const auto minor = static_cast<unsigned char>(preamble[7]);
  if (major != 1 || minor != 0)
    fail(file, "expected .npy format version 1.0, found " + std::to_string(major) + "." + std::to_string(minor));
  // A 16-bit length caps the header at 64 KiB; only the file's size remains to check.
  const std::size_t header_size =
      static_cast<unsigned char>(preamble[8]) | static_cast<std::size_t>(static_cast<unsigned char>(preamble[9])) << 8;
  if (header_size > file_size - preamble_size)
    fail(file, "expected a " + std::to_string(header_size) + "-byte header, found only " +
                   std::to_string(file_size - preamble_size) + " bytes after the preamble (truncated header)");
  std::string header_text(header_size, '\0');
  if (!stream.read(header_text.data(), static_cast<std::streamsize>(header_size)))
    fail(file, "expected a " + std::to_string(header_size) + "-byte header, found a read error");
  return {HeaderParser(file, header_text).parse(), file_size - preamble_size - header_size};
}

// The data of an opened file whose dtype is T.
template <NpyElement T>
NpyArray<T> read_data(std::istream& stream, const std::filesystem::path& file, const Header& header,
                      std::uintmax_t data_bytes) {
  if (header.fortran_order) fail(file, "expected fortran_order False (C order), found True");
  const std::optional<std::size_t> count = element_count(header.shape);
  if (!count || *count > std::numeric_limits<std::size_t>::max() / sizeof(T))
    fail(file, "expected a shape whose size fits in memory, found " + format_shape(header.shape));
  const std::size_t expected_bytes = *count * sizeof(T);
  if (data_bytes < expected_bytes)
    fail(file, "expected " + std::to_string(expected_bytes) + " data bytes for shape " + format_shape(header.shape) +
                   ", found " + std::to_string(data_bytes) + " (truncated data)");
  if (data_bytes > expected_bytes)
    fail(file, "expected " + std::to_string(expected_bytes) + " data bytes for shape " + format_shape(header.shape) +
                   ", found " + std::to_string(data_bytes) + " (trailing bytes after the array)");

  NpyArray<T> array{header.shape, std::vector<T>(*count)};
  if (!stream.read(reinterpret_cast<char*>(array.values.data()), static_cast<std::streamsize>(expected_bytes)))
    fail(file, "expected " + std::to_string(expected_bytes) + " data bytes, found fewer while reading (file changed?)");
  return array;
}

}  // namespace npy_detail

// The whole of a seekable stream, from its start, as one .npy file: a file, or
// bytes in memory in a std::istringstream (the fuzzer's input). Messages name
// `file`, whatever the stream really is.
template <NpyElement T>
NpyArray<T> read_npy(std::istream& stream, const std::filesystem::path& file) {
  using namespace npy_detail;
  const auto [header, data_bytes] = npy_detail::open(stream, file);
  if (header.descr != npy_descr<T>)
    fail(file, "expected dtype '" + std::string(npy_descr<T>) + "', found '" + printable(header.descr) + "'");
  return read_data<T>(stream, file, header, data_bytes);
}

// Class labels: an integer array of dtype uint8, int32 or int64 (what
// np.save writes for np.uint8 or a default integer array), as int64.
inline NpyArray<std::int64_t> read_npy_labels(std::istream& stream, const std::filesystem::path& file) {
  using namespace npy_detail;
  const auto [header, data_bytes] = npy_detail::open(stream, file);
  const auto widened = [&](auto array) {
    return NpyArray<std::int64_t>{std::move(array.shape),
                                  std::vector<std::int64_t>(array.values.begin(), array.values.end())};
  };
  if (header.descr == npy_descr<std::uint8_t>) return widened(read_data<std::uint8_t>(stream, file, header, data_bytes));
  if (header.descr == npy_descr<std::int32_t>) return widened(read_data<std::int32_t>(stream, file, header, data_bytes));
  if (header.descr != npy_descr<std::int64_t>)
    fail(file, "expected integer labels of dtype '|u1', '<i4' or '<i8', found '" + printable(header.descr) + "'");
  return read_data<std::int64_t>(stream, file, header, data_bytes);
}

namespace npy_detail {
inline std::ifstream open_file(const std::filesystem::path& file) {
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (!std::filesystem::exists(status)) fail(file, "expected a .npy file, found nothing at this path");
  if (!std::filesystem::is_regular_file(status)) fail(file, "expected a .npy file, found something else (a folder?)");
  std::ifstream stream(file, std::ios::binary);
  if (!stream) fail(file, "expected a readable .npy file, found it cannot be opened");
  return stream;
}
}  // namespace npy_detail

template <NpyElement T>
NpyArray<T> read_npy(const std::filesystem::path& file) {
  std::ifstream stream = npy_detail::open_file(file);
  return read_npy<T>(stream, file);
}

inline NpyArray<std::int64_t> read_npy_labels(const std::filesystem::path& file) {
  std::ifstream stream = npy_detail::open_file(file);
  return read_npy_labels(stream, file);
}

template <NpyElement T>
void write_npy(const std::filesystem::path& file, std::span<const std::size_t> shape, std::span<const T> values) {
  using namespace npy_detail;
  const std::optional<std::size_t> count = element_count(shape);
  if (!count || *count != values.size())
    fail(file, "expected " + (count ? std::to_string(*count) : std::string("more than 2^64")) +
                   " values for shape " + format_shape(shape) + ", found " + std::to_string(values.size()));

  std::string header = "{'descr': '" + std::string(npy_descr<T>) + "', 'fortran_order': False, 'shape': " +
                       format_shape(shape) + ", }";
  const std::size_t unpadded = preamble_size + header.size() + 1;  // + the closing '\n'
  header.append((data_alignment - unpadded % data_alignment) % data_alignment, ' ');
  header += '\n';
  if (header.size() > std::numeric_limits<std::uint16_t>::max())
    fail(file, "expected a header shorter than 64 KiB, found " + std::to_string(header.size()) + " bytes");

  std::string head(magic);
  head += '\x01';
  head += '\x00';
  head += static_cast<char>(header.size() & 0xff);
  head += static_cast<char>(header.size() >> 8);
  head += header;
  const std::array<std::span<const std::byte>, 2> chunks = {std::as_bytes(std::span(head)), std::as_bytes(values)};
  write_file_atomically(file, chunks);
}

}  // namespace ctgrad::io
