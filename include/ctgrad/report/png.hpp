#pragma once
// PNG output for report pictures. The only part of report/ that is not
// header-only: stb_image_write's implementation is compiled once, in
// src/report/png.cpp, so a program that calls these links the CMake target
// `ctgrad_report`.
#include <cstddef>
#include <filesystem>
#include <vector>

#include "ctgrad/report/canvas.hpp"

namespace ctgrad::report {

// The complete PNG file (8-bit RGB, no interlace) for `image`.
std::vector<std::byte> encode_png(const Image& image);

// Encodes `image` in memory and writes it with io::write_file_atomically: a
// reader sees the old file or the whole new one. Throws io::Error naming
// `path` on failure.
void write_png(const std::filesystem::path& path, const Image& image);

}  // namespace ctgrad::report
