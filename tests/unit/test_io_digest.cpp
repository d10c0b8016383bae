// io::file_digest: FNV-1a 64's published values, files longer than its read
// buffer, and a missing file named in the error.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "ctgrad/io/digest.hpp"
#include "tests/support/temp_folder.hpp"

namespace {

std::string written(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return ctgrad::io::file_digest(path);
}

}  // namespace

TEST_CASE("file_digest is FNV-1a 64 over the file's bytes", "[io]") {
  ctgrad::testing::TemporaryFolder folder;
  const auto file = folder.path / "f.bin";
  // The reference values of FNV-1a 64 (Fowler, Noll and Vo's test vectors).
  CHECK(written(file, "") == "fnv1a64:cbf29ce484222325");
  CHECK(written(file, "a") == "fnv1a64:af63dc4c8601ec8c");
  CHECK(written(file, "foobar") == "fnv1a64:85944171f73967e8");

  // Longer than the 64 KiB read buffer: every byte counts, in order.
  std::string bytes(200000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 7919) >> 3);
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  char expected[32];
  std::snprintf(expected, sizeof expected, "fnv1a64:%016llx", static_cast<unsigned long long>(hash));
  CHECK(written(file, bytes) == expected);
  bytes[150000] ^= 1;
  CHECK(written(file, bytes) != expected);
}

TEST_CASE("file_digest names a file it cannot read", "[io]") {
  ctgrad::testing::TemporaryFolder folder;
  const auto missing = folder.path / "missing.safetensors";
  try {
    ctgrad::io::file_digest(missing);
    FAIL("expected an io::Error");
  } catch (const ctgrad::io::Error& error) {
    CHECK(std::string(error.what()) == missing.string() + ": expected a readable file, found none");
  }
}
