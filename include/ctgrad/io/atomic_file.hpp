#pragma once
// Writes a file so that a crash at any moment leaves either the old file or
// the complete new one: write a temporary beside it, flush it to disk, rename.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

#include "ctgrad/io/error.hpp"

namespace ctgrad::io {

// `chunks` are written back to back.
inline void write_file_atomically(const std::filesystem::path& target,
                                  std::span<const std::span<const std::byte>> chunks) {
  std::filesystem::path temporary = target;
  temporary += ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(target, std::string("cannot create temporary file: ") + std::strerror(errno));
  auto abandon = [&](const std::string& why) {
    const std::string reason = why + ": " + std::strerror(errno);
    ::close(fd);
    std::filesystem::remove(temporary);
    fail(target, reason);
  };
  for (std::span<const std::byte> chunk : chunks) {
    const std::byte* cursor = chunk.data();
    std::size_t left = chunk.size();
    while (left > 0) {
      const ssize_t written = ::write(fd, cursor, left);
      if (written < 0) {
        if (errno == EINTR) continue;
        abandon("write failed");
      }
      cursor += written;
      left -= static_cast<std::size_t>(written);
    }
  }
  if (::fsync(fd) != 0) abandon("fsync failed");
  if (::close(fd) != 0) {
    std::filesystem::remove(temporary);
    fail(target, std::string("close failed: ") + std::strerror(errno));
  }
  std::error_code error;
  std::filesystem::rename(temporary, target, error);
  if (error) {
    std::filesystem::remove(temporary);
    fail(target, "cannot rename the temporary file into place: " + error.message());
  }
  // The rename itself reaches the disk with the directory (best effort: some
  // file systems refuse fsync on a directory, and the file is whole anyway).
  const std::filesystem::path parent = target.has_parent_path() ? target.parent_path() : ".";
  if (const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

inline void write_text_atomically(const std::filesystem::path& target, std::string_view text) {
  const std::span<const std::byte> bytes = std::as_bytes(std::span(text.data(), text.size()));
  write_file_atomically(target, std::span(&bytes, 1));
}

}  // namespace ctgrad::io
