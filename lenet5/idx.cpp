#include "lenet5/idx.hpp"

#include <memory>
#include <string>

#include <zlib.h>

#include <ctgrad/io/error.hpp>

namespace lenet5 {

namespace {

// The whole decompressed content of `file`; zlib's own message for a
// corrupt or truncated stream.
std::vector<std::uint8_t> inflate_file(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file))
    ctgrad::io::fail(file, "expected a gzip-compressed IDX file, found none");
  const std::unique_ptr<gzFile_s, int (*)(gzFile)> gz(gzopen(file.c_str(), "rb"), gzclose);
  if (!gz) ctgrad::io::fail(file, "expected a readable gzip-compressed IDX file, could not open it");
  std::vector<std::uint8_t> bytes;
  constexpr unsigned chunk = 1u << 20;
  for (;;) {
    const std::size_t size = bytes.size();
    bytes.resize(size + chunk);
    const int read = gzread(gz.get(), bytes.data() + size, chunk);
    if (read < 0) {
      int code = 0;
      const char* message = gzerror(gz.get(), &code);
      ctgrad::io::fail(file, std::string("expected a valid gzip stream, found damage: ") + message);
    }
    bytes.resize(size + static_cast<std::size_t>(read));
    if (read == 0) break;
  }
  // A stream cut short reads as its end; zlib says so afterwards.
  int code = 0;
  const char* message = gzerror(gz.get(), &code);
  if (code != Z_OK && code != Z_STREAM_END)
    ctgrad::io::fail(file, std::string("expected a whole gzip stream, found: ") + message);
  return bytes;
}

std::uint32_t big_endian(const std::uint8_t* at) {
  return (std::uint32_t{at[0]} << 24) | (std::uint32_t{at[1]} << 16) | (std::uint32_t{at[2]} << 8) | at[3];
}

}  // namespace

IdxArray read_idx(const std::filesystem::path& file, std::size_t rank) {
  using ctgrad::io::fail;
  std::vector<std::uint8_t> bytes = inflate_file(file);
  const std::size_t header = 4 + 4 * rank;
  if (bytes.size() < 4) fail(file, "expected an IDX header (4 magic bytes), found " + std::to_string(bytes.size()) + " bytes");
  if (bytes[0] != 0 || bytes[1] != 0)
    fail(file, "expected the IDX magic 0x0000, found 0x" + std::to_string(bytes[0] * 256 + bytes[1]) +
                   " (not an IDX file)");
  if (bytes[2] != 0x08)
    fail(file, "expected unsigned bytes (IDX type 0x08), found type " + std::to_string(bytes[2]));
  if (bytes[3] != rank)
    fail(file, "expected " + std::to_string(rank) + " dimensions, found " + std::to_string(bytes[3]));
  if (bytes.size() < header)
    fail(file, "expected " + std::to_string(header) + " header bytes, found " + std::to_string(bytes.size()));
  IdxArray array;
  std::size_t count = 1;
  for (std::size_t d = 0; d < rank; ++d) {
    const std::uint32_t extent = big_endian(bytes.data() + 4 + 4 * d);
    if (extent == 0) fail(file, "expected non-zero extents, found 0 in dimension " + std::to_string(d));
    if (extent > bytes.size() / count)  // checked before multiplying: no overflow
      fail(file, "expected extents whose product fits the file's " + std::to_string(bytes.size()) +
                     " bytes, found extent " + std::to_string(extent) + " in dimension " + std::to_string(d));
    array.shape.push_back(extent);
    count *= extent;
  }
  if (bytes.size() - header != count)
    fail(file, "expected " + std::to_string(count) + " data bytes after the header, found " +
                   std::to_string(bytes.size() - header) + (bytes.size() - header < count ? " (truncated)" : ""));
  array.values.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return array;
}

}  // namespace lenet5
