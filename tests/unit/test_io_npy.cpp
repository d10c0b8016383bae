#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "ctgrad/io/npy.hpp"
#include "tests/support/temp_folder.hpp"
#include "tests/support/io_error.hpp"

namespace {

using namespace ctgrad::testing;

using ctgrad::io::read_npy;
using ctgrad::io::write_npy;
using Catch::Matchers::Contains;

void write_bytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary) << bytes;
}

// A version 1.0 file with an arbitrary header dict, padded as numpy pads it.
std::string npy_with_header(const std::string& dict, const std::string& data) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string bytes = "\x93NUMPY\x01";
  bytes += '\0';
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  return bytes + header + data;
}

template <class T>
void check_round_trip(const std::filesystem::path& file, const std::vector<std::size_t>& shape,
                      const std::vector<T>& values) {
  write_npy<T>(file, shape, values);
  const ctgrad::io::NpyArray<T> array = read_npy<T>(file);
  CHECK(array.shape == shape);
  CHECK(array.values == values);
}

}  // namespace

TEST_CASE("float32 arrays survive a write and a read, including empty and 4-d shapes", "[io][npy]") {
  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "floats.npy";
  check_round_trip<float>(file, {0}, {});
  check_round_trip<float>(file, {3}, {-1.5f, 0.0f, 3.25e-7f});
  std::vector<float> image(2 * 1 * 16 * 16);
  for (std::size_t index = 0; index < image.size(); ++index) image[index] = static_cast<float>(index) * 0.5f - 100.0f;
  check_round_trip<float>(file, {2, 1, 16, 16}, image);
  check_round_trip<float>(file, {}, {42.0f});  // a 0-d array holds one value
}

TEST_CASE("uint8 arrays survive a write and a read, including empty and 4-d shapes", "[io][npy]") {
  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "bytes.npy";
  check_round_trip<std::uint8_t>(file, {0}, {});
  check_round_trip<std::uint8_t>(file, {3}, {0, 7, 255});
  std::vector<std::uint8_t> image(2 * 1 * 16 * 16);
  for (std::size_t index = 0; index < image.size(); ++index) image[index] = static_cast<std::uint8_t>(index * 37);
  check_round_trip<std::uint8_t>(file, {2, 1, 16, 16}, image);
}

TEST_CASE("a .npy held in memory is read from a stream, and its errors name the given name", "[io][npy]") {
  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "three.npy";
  write_npy<float>(file, std::vector<std::size_t>{3}, std::vector<float>{1.0f, 2.0f, 3.0f});
  const std::string bytes = read_bytes(file);
  std::istringstream stream(bytes);
  const ctgrad::io::NpyArray<float> array = read_npy<float>(stream, "in-memory.npy");
  CHECK(array.shape == std::vector<std::size_t>{3});
  CHECK(array.values == std::vector<float>{1.0f, 2.0f, 3.0f});

  std::istringstream truncated(bytes.substr(0, bytes.size() - 1));
  CHECK_THAT(io_error_message([&] { read_npy<float>(truncated, "in-memory.npy"); }),
             Contains("in-memory.npy: ") && Contains("truncated data"));
}

TEST_CASE("the written header is numpy's dict, padded so the data start at byte 64", "[io][npy]") {
  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "three.npy";
  const std::vector<float> values = {1.0f, 2.0f, 3.0f};
  write_npy<float>(file, std::vector<std::size_t>{3}, values);
  const std::string bytes = read_bytes(file);
  // The dict "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }" is
  // 17 + 24 + 16 = 57 characters; 10 preamble bytes + 57 = 67, so the header
  // is padded to 128 - 10 = 118 bytes: the dict, 60 spaces, '\n'.
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  REQUIRE(bytes.size() == 128 + 3 * 4);
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01", 7) + '\0');
  CHECK(static_cast<unsigned char>(bytes[8]) == 118);
  CHECK(bytes[9] == 0);
  CHECK(bytes.substr(10, 118) == dict + std::string(60, ' ') + '\n');

  for (const std::vector<std::size_t>& shape :
       {std::vector<std::size_t>{0}, {7291, 1, 16, 16}, {}, {1, 2, 1, 3, 1, 2, 1, 3, 1, 2, 1, 3, 1, 2, 1, 3}}) {
    std::size_t count = 1;
    for (std::size_t extent : shape) count *= extent;
    write_npy<std::uint8_t>(file, shape, std::vector<std::uint8_t>(count));
    const std::string written = read_bytes(file);
    const std::size_t header_size =
        static_cast<unsigned char>(written[8]) | static_cast<std::size_t>(static_cast<unsigned char>(written[9])) << 8;
    CHECK((10 + header_size) % 64 == 0);
    CHECK(written[10 + header_size - 1] == '\n');
    CHECK(written.size() == 10 + header_size + count);
  }
}

TEST_CASE("headers numpy could have written with other spacing, quotes and key order are read", "[io][npy]") {
  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "variant.npy";
  const std::vector<float> values = {1, 2, 3, 4, 5, 6};
  write_bytes(file, npy_with_header("{ \"shape\" : ( 2 , 3 ) , \"fortran_order\":False,'descr':'<f4'}",
                                    std::string(reinterpret_cast<const char*>(values.data()), 24)));
  const ctgrad::io::NpyArray<float> array = read_npy<float>(file);
  CHECK(array.shape == std::vector<std::size_t>{2, 3});
  CHECK(array.values == values);
}

TEST_CASE("damaged or foreign .npy files are refused with the file name and the reason", "[io][npy]") {
  TemporaryFolder folder;
  const std::filesystem::path good = folder.path / "good.npy";
  write_npy<float>(good, std::vector<std::size_t>{3}, std::vector<float>{1, 2, 3});
  const std::string valid = read_bytes(good);
  const std::filesystem::path file = folder.path / "damaged.npy";
  const auto refusal = [&](const std::string& bytes) {
    write_bytes(file, bytes);
    return io_error_message([&] { read_npy<float>(file); });
  };
  const std::string twelve_data_bytes(12, '\0');

  SECTION("bad magic") {
    std::string bytes = valid;
    bytes[1] = 'X';
    CHECK_THAT(refusal(bytes), Contains(file.string()) && Contains("magic"));
  }
  SECTION("unsupported version") {
    std::string bytes = valid;
    bytes[6] = 2;
    CHECK_THAT(refusal(bytes), Contains(file.string()) && Contains("version 1.0, found 2.0"));
  }
  SECTION("shorter than the preamble") {
    CHECK_THAT(refusal(valid.substr(0, 7)), Contains(file.string()) && Contains("preamble"));
    CHECK_THAT(refusal(""), Contains(file.string()) && Contains("found 0 bytes"));
  }
  SECTION("truncated header") {
    CHECK_THAT(refusal(valid.substr(0, 40)), Contains(file.string()) && Contains("truncated header"));
  }
  SECTION("header length larger than the file") {
    std::string bytes = valid;
    bytes[8] = '\xff';
    bytes[9] = '\xff';
    CHECK_THAT(refusal(bytes), Contains(file.string()) && Contains("65535-byte header"));
  }
  SECTION("truncated data") {
    CHECK_THAT(refusal(valid.substr(0, valid.size() - 1)), Contains(file.string()) && Contains("truncated data"));
  }
  SECTION("trailing garbage") {
    CHECK_THAT(refusal(valid + "xyz"), Contains(file.string()) && Contains("trailing"));
  }
  SECTION("wrong dtype names both") {
    CHECK_THAT(io_error_message([&] { read_npy<std::uint8_t>(good); }),
               Contains(good.string()) && Contains("expected dtype '|u1', found '<f4'"));
    CHECK_THAT(refusal(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
                                       std::string(24, '\0'))),
               Contains("expected dtype '<f4', found '<f8'"));
  }
  SECTION("fortran order") {
    CHECK_THAT(refusal(npy_with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }",
                                       twelve_data_bytes)),
               Contains(file.string()) && Contains("fortran_order"));
  }
  SECTION("a shape whose size overflows 64 bits") {
    CHECK_THAT(refusal(npy_with_header(
                   "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 16), }", "")),
               Contains(file.string()) && Contains("shape"));
    CHECK_THAT(refusal(npy_with_header(
                   "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", "")),
               Contains(file.string()) && Contains("64 bits"));
  }
  SECTION("an absurd shape is compared with the file size before anything is allocated") {
    // 10^12 floats would be 4 TB: allocating first would throw std::bad_alloc instead.
    CHECK_THAT(refusal(npy_with_header(
                   "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }", twelve_data_bytes)),
               Contains(file.string()) && Contains("truncated data"));
  }
  SECTION("malformed header dicts") {
    const std::array<std::pair<const char*, const char*>, 12> cases = {{
        {"not a dict", "'{'"},
        {"{'descr': '<f4', 'fortran_order': False}", "'shape'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'extra': 1}", "'extra'"},
        {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", "twice"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (3)}", "one-element tuple"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}", "non-negative integer"},
        {"{'descr': '<f4', 'fortran_order': false, 'shape': (3,)}", "True or False"},
        {"{'descr': '<f4, 'fortran_order': False, 'shape': (3,)}", "after the value of 'descr'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,)", "end of the header"},
        {"{'descr': '<f4' 'fortran_order': False, 'shape': (3,)}", "',' or '}'"},
        {"{'descr': '<\\x66\\x34', 'fortran_order': False, 'shape': (3,)}", "escapes"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} junk", "padding"},
    }};
    for (const auto& [dict, reason] : cases) {
      INFO("header: " << dict);
      CHECK_THAT(refusal(npy_with_header(dict, twelve_data_bytes)), Contains(file.string()) && Contains(reason));
    }
  }
  SECTION("a missing file and a folder") {
    CHECK_THAT(io_error_message([&] { read_npy<float>(folder.path / "absent.npy"); }),
               Contains("absent.npy") && Contains("nothing"));
    CHECK_THAT(io_error_message([&] { read_npy<float>(folder.path); }), Contains(folder.path.string()) && Contains("folder"));
  }
}

TEST_CASE("writing values that do not fill the shape is refused and leaves no file", "[io][npy]") {
  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "mismatch.npy";
  CHECK_THAT(io_error_message([&] {
               write_npy<float>(file, std::vector<std::size_t>{2, 2}, std::vector<float>{1, 2, 3});
             }),
             Contains(file.string()) && Contains("expected 4 values for shape (2, 2), found 3"));
  CHECK_FALSE(std::filesystem::exists(file));
}
