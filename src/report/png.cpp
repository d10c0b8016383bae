// The one translation unit that holds stb_image_write's implementation
// (Debian's libstb-dev). STB_IMAGE_WRITE_STATIC gives its functions internal
// linkage, so they cannot clash with another copy of stb in a program (e.g.
// Debian's libstb.so); STBI_WRITE_NO_STDIO leaves out its own file writing,
// since every file goes through io::write_file_atomically.
#include "ctgrad/report/png.hpp"

#include <span>
#include <stdexcept>
#include <string>

#include "ctgrad/io/atomic_file.hpp"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STBI_WRITE_NO_STDIO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"  // the BMP/TGA/HDR/JPEG writers we do not call
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace ctgrad::report {

namespace {

void append_to_buffer(void* context, void* data, int size) {
  auto* buffer = static_cast<std::vector<std::byte>*>(context);
  const auto* bytes = static_cast<const std::byte*>(data);
  buffer->insert(buffer->end(), bytes, bytes + size);
}

}  // namespace

std::vector<std::byte> encode_png(const Image& image) {
  std::vector<std::byte> png;
  const int written = stbi_write_png_to_func(append_to_buffer, &png, image.width(), image.height(), 3,
                                             image.rgb_bytes().data(), image.width() * 3);
  // stb fails only when it cannot allocate its compression buffers.
  if (written == 0)
    throw std::runtime_error("report::encode_png: expected a " + std::to_string(image.width()) + "x" +
                             std::to_string(image.height()) + " PNG, found stb_image_write failing");
  return png;
}

void write_png(const std::filesystem::path& path, const Image& image) {
  std::vector<std::byte> png;
  try {
    png = encode_png(image);
  } catch (const std::runtime_error& error) {
    io::fail(path, error.what());
  }
  const std::span<const std::byte> chunks[] = {png};
  io::write_file_atomically(path, chunks);
}

}  // namespace ctgrad::report
