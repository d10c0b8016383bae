#pragma once
// A file's fingerprint: 64-bit FNV-1a over its bytes, written
// "fnv1a64:<16 hex digits>". It tells whether a file is still the one a run
// started from (a distilled run's teacher), not whether anyone tampered
// with it: it is not a cryptographic hash.
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ctgrad/io/error.hpp"

namespace ctgrad::io {

inline std::string file_digest(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "expected a readable file, found none");
  std::uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a's offset basis and prime
  std::array<char, 1 << 16> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      hash ^= static_cast<unsigned char>(buffer[static_cast<std::size_t>(i)]);
      hash *= 0x100000001b3ull;
    }
  }
  if (in.bad()) fail(path, "expected a readable file, found a read error");
  char text[32];
  std::snprintf(text, sizeof text, "fnv1a64:%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace ctgrad::io
