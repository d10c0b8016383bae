// LeNet-5's data files (lenet5/idx.hpp, lenet5/prepare.hpp): IDX arrays
// round-trip through gzip, and every damaged header, length or gzip stream
// is one io::Error line naming the file; `prepare` checks the four files
// against each other and writes the generic .npy splits.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <zlib.h>

#include <ctgrad/io/npy.hpp>

#include "lenet5/idx.hpp"
#include "lenet5/prepare.hpp"
#include "tests/support/io_error.hpp"
#include "tests/support/temp_folder.hpp"

using Catch::Matchers::Contains;
using ctgrad::testing::io_error_message;
using ctgrad::testing::TemporaryFolder;

namespace {

using Bytes = std::vector<std::uint8_t>;

// An IDX file's bytes: magic (type, rank), big-endian extents, data.
Bytes idx_bytes(const std::vector<std::uint32_t>& shape, const Bytes& data, std::uint8_t type = 0x08) {
  Bytes bytes = {0, 0, type, static_cast<std::uint8_t>(shape.size())};
  for (const std::uint32_t extent : shape)
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(extent >> shift));
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

void write_gzip(const std::filesystem::path& file, const Bytes& bytes) {
  gzFile gz = gzopen(file.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  REQUIRE(gzclose(gz) == Z_OK);
}

Bytes counting(std::size_t n, std::size_t modulo = 256) {
  Bytes values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<std::uint8_t>(i % modulo);
  return values;
}

}  // namespace

TEST_CASE("an IDX array round-trips through gzip, and plain IDX reads too", "[data][idx]") {
  TemporaryFolder folder("idx_round_trip");
  const Bytes data = counting(3 * 2 * 4);
  write_gzip(folder.path / "a.gz", idx_bytes({3, 2, 4}, data));
  const lenet5::IdxArray array = lenet5::read_idx(folder.path / "a.gz", 3);
  CHECK(array.shape == std::vector<std::size_t>{3, 2, 4});
  CHECK(array.values == data);
  const Bytes plain = idx_bytes({5}, counting(5));
  std::ofstream(folder.path / "plain", std::ios::binary).write(reinterpret_cast<const char*>(plain.data()), 
                                                               static_cast<std::streamsize>(plain.size()));
  CHECK(lenet5::read_idx(folder.path / "plain", 1).values == counting(5));
}

TEST_CASE("damaged IDX files are one line naming the file", "[data][idx][corrupt]") {
  TemporaryFolder folder("idx_corrupt");
  const auto file = folder.path / "x.gz";
  const auto error_for = [&](const Bytes& bytes, std::size_t rank) {
    write_gzip(file, bytes);
    return io_error_message([&] { lenet5::read_idx(file, rank); });
  };
  const Bytes good = idx_bytes({3, 2, 4}, counting(24));
  CHECK_THAT(error_for(Bytes{0, 0}, 3), Contains(file.string() + ": expected an IDX header (4 magic bytes), found 2 bytes"));
  Bytes magic = good;
  magic[0] = 0x1f;
  CHECK_THAT(error_for(magic, 3), Contains("expected the IDX magic 0x0000"));
  CHECK_THAT(error_for(idx_bytes({3, 2, 4}, counting(96), 0x0D), 3),
             Contains("expected unsigned bytes (IDX type 0x08), found type 13"));
  CHECK_THAT(error_for(idx_bytes({24}, counting(24)), 3), Contains("expected 3 dimensions, found 1"));
  CHECK_THAT(error_for(Bytes(good.begin(), good.begin() + 10), 3), Contains("expected 16 header bytes, found 10"));
  CHECK_THAT(error_for(idx_bytes({3, 2, 4}, counting(20)), 3),
             Contains("expected 24 data bytes after the header, found 20 (truncated)"));
  CHECK_THAT(error_for(idx_bytes({3, 2, 4}, counting(28)), 3), Contains("expected 24 data bytes after the header, found 28"));
  CHECK_THAT(error_for(idx_bytes({3, 0, 4}, {}), 3), Contains("expected non-zero extents, found 0 in dimension 1"));
  CHECK_THAT(error_for(idx_bytes({0x80000000u, 0x80000000u, 0x80000000u}, counting(8)), 3),
             Contains("expected extents whose product fits the file's"));
  CHECK_THAT(io_error_message([&] { lenet5::read_idx(folder.path / "none.gz", 1); }),
             Contains("none.gz: expected a gzip-compressed IDX file, found none"));
}

TEST_CASE("a damaged or cut gzip stream is refused, not read as short data", "[data][idx][corrupt]") {
  TemporaryFolder folder("idx_gzip");
  const auto file = folder.path / "x.gz";
  write_gzip(file, idx_bytes({4000}, counting(4000, 251)));
  std::ifstream in(file, std::ios::binary);
  const std::string compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(compressed.size() > 40);
  const auto error_for = [&](const std::string& bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    return io_error_message([&] { lenet5::read_idx(file, 1); });
  };
  std::string flipped = compressed;
  for (std::size_t i = 12; i < 30; ++i) flipped[i] = static_cast<char>(~flipped[i]);
  CHECK_THAT(error_for(flipped), Contains(file.string() + ": expected a "));
  CHECK_THAT(error_for(flipped), Contains("gzip"));
  const std::string cut = compressed.substr(0, compressed.size() / 2);
  CHECK_THAT(error_for(cut), Contains(file.string() + ": expected a whole gzip stream"));
}

TEST_CASE("lenet5 prepare checks the four files and writes the .npy splits", "[data][idx]") {
  TemporaryFolder folder("idx_prepare");
  const auto source = folder.path / "source";
  std::filesystem::create_directories(source);
  const auto write_split = [&](const std::string& prefix, std::uint32_t count, std::uint32_t side, const Bytes& labels) {
    write_gzip(source / (prefix + "-images-idx3-ubyte.gz"), idx_bytes({count, side, side}, counting(count * side * side)));
    write_gzip(source / (prefix + "-labels-idx1-ubyte.gz"), idx_bytes({static_cast<std::uint32_t>(labels.size())}, labels));
  };
  lenet5::PrepareOptions options{source, folder.path / "out"};
  std::ostringstream log;
  write_split("train", 3, 28, {9, 0, 3});
  write_split("t10k", 2, 28, {1, 2});
  lenet5::prepare(options, log);
  const auto images = ctgrad::io::read_npy<float>(options.out / "train_images.npy");
  CHECK(images.shape == std::vector<std::size_t>{3, 1, 28, 28});
  // [0, 255] onto [-1, 1]: 255 is ink (+1), 0 background (-1)
  CHECK(images.values[255] == 1.f);
  CHECK(images.values[256] == -1.f);
  CHECK(images.values[51] == Approx(51.f / 127.5f - 1.f));
  CHECK(ctgrad::io::read_npy_labels(options.out / "test_labels.npy").values == std::vector<std::int64_t>{1, 2});

  write_split("t10k", 2, 28, {1, 2, 3});
  CHECK_THAT(io_error_message([&] { lenet5::prepare(options, log); }),
             Contains("t10k-labels-idx1-ubyte.gz: expected 2 labels, one per image in t10k-images-idx3-ubyte.gz, found 3"));
  write_split("t10k", 2, 28, {1, 10});
  CHECK_THAT(io_error_message([&] { lenet5::prepare(options, log); }),
             Contains("t10k-labels-idx1-ubyte.gz: expected labels 0..9, found 10 at index 1"));
  write_split("t10k", 2, 27, {1, 2});
  CHECK_THAT(io_error_message([&] { lenet5::prepare(options, log); }),
             Contains("t10k-images-idx3-ubyte.gz: expected 28x28 images, found 27x27"));
  options.source = folder.path / "absent";
  CHECK_THAT(io_error_message([&] { lenet5::prepare(options, log); }),
             Contains("absent: expected a folder of Fashion-MNIST's IDX files, found none (install them: apt-get install "
                      "dataset-fashion-mnist)"));
}
