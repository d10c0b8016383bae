// safetensors checkpoints: round trips, byte-exact compatibility with the
// published format, and one test per way a file can be corrupt.
#include <catch2/catch.hpp>

#include <boost/hana/define_struct.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "ctgrad/io/safetensors.hpp"
#include "ctgrad/nn/weights.hpp"  // a parameter struct to and from safetensors

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using ctgrad::io::read_safetensors;
using ctgrad::io::TensorData;
using ctgrad::io::TensorView;
using ctgrad::io::write_safetensors;

struct Toy {
  BOOST_HANA_DEFINE_STRUCT(Toy, (ctgrad::Parameter<ctgrad::Shape<2, 3>, "w">, w),
                           (ctgrad::Parameter<ctgrad::Shape<3>, "b">, b));
};

// A fresh directory per test, removed afterwards, so tests never see each
// other's files.
struct ScratchDirectory {
  fs::path path;
  ScratchDirectory() {
    static int created = 0;
    path = fs::temp_directory_path() /
           ("ctgrad_test_safetensors_" + std::to_string(::getpid()) + "_" + std::to_string(created++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path operator/(const std::string& name) const { return path / name; }
};

std::string read_bytes(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream stream(file, std::ios::binary);
  stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(stream.good());
}

// Spelled out byte by byte rather than memcpy'd, so the tests pin the format's
// byte order independently of the code under test.
std::string little_endian_u64(std::uint64_t value) {
  std::string bytes;
  for (int index = 0; index < 8; ++index) bytes += static_cast<char>((value >> (8 * index)) & 0xff);
  return bytes;
}

std::string little_endian_f32(std::initializer_list<float> values) {
  std::string bytes;
  for (float value : values) {
    const auto bits = std::bit_cast<std::uint32_t>(value);
    for (int index = 0; index < 4; ++index) bytes += static_cast<char>((bits >> (8 * index)) & 0xff);
  }
  return bytes;
}

void write_raw_safetensors(const fs::path& file, const std::string& header, const std::string& data) {
  write_bytes(file, little_endian_u64(header.size()) + header + data);
}

// Bit equality, so -0.0, NaN payloads and denormals count as preserved only
// if they really are.
bool same_bits(std::span<const float> left, std::span<const float> right) {
  return left.size() == right.size() && std::memcmp(left.data(), right.data(), left.size_bytes()) == 0;
}

template <class Action>
void require_io_error(Action&& action, const fs::path& file, std::initializer_list<std::string_view> words) {
  try {
    action();
  } catch (const ctgrad::io::Error& error) {
    const std::string message = error.what();
    INFO("message: " << message);
    CHECK_THAT(message, Contains(file.string()));
    for (std::string_view word : words) CHECK_THAT(message, Contains(std::string(word)));
    CHECK(message.find('\n') == std::string::npos);
    return;
  }
  FAIL("expected ctgrad::io::Error, nothing was thrown");
}

void require_read_error(const fs::path& file, std::initializer_list<std::string_view> words) {
  require_io_error([&] { read_safetensors(file); }, file, words);
}

// A corrupt file built from a header and data; the reader must refuse it.
void require_corrupt(const std::string& header, const std::string& data,
                     std::initializer_list<std::string_view> words) {
  ScratchDirectory scratch;
  const fs::path file = scratch / "corrupt.safetensors";
  write_raw_safetensors(file, header, data);
  INFO("header: " << header);
  require_read_error(file, words);
}

void fill_toy(Toy& toy, float start) {
  for (std::size_t index = 0; index < toy.w.value.size; ++index) toy.w.value[index] = start + static_cast<float>(index);
  for (std::size_t index = 0; index < toy.b.value.size; ++index) toy.b.value[index] = -start - static_cast<float>(index);
}

bool same_values(const Toy& left, const Toy& right) {
  return same_bits(left.w.value.span(), right.w.value.span()) && same_bits(left.b.value.span(), right.b.value.span());
}

}  // namespace

TEST_CASE("write then read returns every tensor bit for bit, with its shape", "[io][safetensors]") {
  ScratchDirectory scratch;
  const fs::path file = scratch / "several.safetensors";
  const std::vector<float> weight{-0.0f, 1e-40f, std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest(),
                                  1.0f / 3.0f, 2.5f, -7.0f, 42.0f};
  const std::vector<float> bias{0.125f};
  // read_safetensors does not judge values; only load_parameters demands finite ones.
  const std::vector<float> odd{std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                               -std::numeric_limits<float>::infinity(), 1.0f, 2.0f, 3.0f};
  const std::vector<TensorView> tensors{
      {"conv.weight", {2, 1, 2, 2}, weight},
      {"bias", {1}, bias},
      {"odd", {3, 2}, odd},
      {"empty", {0, 4}, {}},
  };
  write_safetensors(file, tensors);

  const std::map<std::string, TensorData> read = read_safetensors(file);
  REQUIRE(read.size() == 4);
  CHECK(read.at("conv.weight").shape == std::vector<std::size_t>{2, 1, 2, 2});
  CHECK(same_bits(read.at("conv.weight").values, weight));
  CHECK(read.at("bias").shape == std::vector<std::size_t>{1});
  CHECK(same_bits(read.at("bias").values, bias));
  CHECK(read.at("odd").shape == std::vector<std::size_t>{3, 2});
  CHECK(same_bits(read.at("odd").values, odd));
  CHECK(read.at("empty").shape == std::vector<std::size_t>{0, 4});
  CHECK(read.at("empty").values.empty());
}

TEST_CASE("the written header follows the format: padded JSON, metadata, contiguous offsets in order",
          "[io][safetensors]") {
  ScratchDirectory scratch;
  const fs::path file = scratch / "metadata.safetensors";
  const std::vector<float> first{1, 2, 3, 4, 5, 6};
  const std::vector<float> second{7};
  const std::vector<TensorView> tensors{{"first", {2, 3}, first}, {"second", {1}, second}};
  const std::map<std::string, std::string> metadata{{"format", "pt"}, {"epoch", "12"}};
  write_safetensors(file, tensors, metadata);

  // Parsed here by hand rather than with read_safetensors, which does not return metadata.
  const std::string bytes = read_bytes(file);
  REQUIRE(bytes.size() >= 8);
  std::uint64_t header_length = 0;
  for (int index = 0; index < 8; ++index) {
    header_length |= std::uint64_t{static_cast<unsigned char>(bytes[index])} << (8 * index);
  }
  CHECK(header_length % 8 == 0);
  REQUIRE(bytes.size() == 8 + header_length + 7 * 4);
  const std::string header_text = bytes.substr(8, header_length);
  const auto json_end = header_text.find_last_not_of(' ');
  CHECK(header_text.find_first_not_of(' ', json_end + 1) == std::string::npos);
  const nlohmann::json header = nlohmann::json::parse(header_text);
  CHECK(header["__metadata__"] == nlohmann::json{{"format", "pt"}, {"epoch", "12"}});
  CHECK(header["first"] ==
        nlohmann::json{{"dtype", "F32"}, {"shape", {2, 3}}, {"data_offsets", {0, 24}}});
  CHECK(header["second"] ==
        nlohmann::json{{"dtype", "F32"}, {"shape", {1}}, {"data_offsets", {24, 28}}});
  CHECK(bytes.substr(8 + header_length) == little_endian_f32({1, 2, 3, 4, 5, 6, 7}));

  const auto read = read_safetensors(file);
  CHECK(read.size() == 2);
  CHECK(same_bits(read.at("second").values, second));
}

TEST_CASE("the writer's bytes for one tensor are exactly the reference layout", "[io][safetensors]") {
  ScratchDirectory scratch;
  const fs::path file = scratch / "exact.safetensors";
  const std::vector<float> values{1.5f, -2.0f};
  const std::vector<TensorView> tensors{{"w", {2}, values}};
  write_safetensors(file, tensors);

  std::string header = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  header.append((8 - header.size() % 8) % 8, ' ');
  const std::string expected = little_endian_u64(header.size()) + header +
                               std::string("\x00\x00\xc0\x3f" "\x00\x00\x00\xc0", 8);
  CHECK(read_bytes(file) == expected);
}

TEST_CASE("a file laid out by hand the way Python's safetensors writes it reads back correctly",
          "[io][safetensors]") {
  ScratchDirectory scratch;

  SECTION("one tensor, unpadded header") {
    const fs::path file = scratch / "hand.safetensors";
    // 1.5f is 0x3fc00000 and -2.0f is 0xc0000000, stored least significant byte first.
    write_raw_safetensors(file, R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                          std::string("\x00\x00\xc0\x3f" "\x00\x00\x00\xc0", 8));
    const auto read = read_safetensors(file);
    REQUIRE(read.size() == 1);
    CHECK(read.at("w").shape == std::vector<std::size_t>{2});
    CHECK(read.at("w").values == std::vector<float>{1.5f, -2.0f});
  }

  SECTION("metadata first, space padding, JSON key order unlike data order") {
    const fs::path file = scratch / "python_like.safetensors";
    std::string header =
        R"({"__metadata__":{"format":"pt"},"bias":{"dtype":"F32","shape":[2],"data_offsets":[24,32]},)"
        R"("weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})";
    header.append((8 - header.size() % 8) % 8, ' ');
    const std::string data = std::string("\x00\x00\x00\x00" "\x00\x00\x80\x3f" "\x00\x00\x00\x40"
                                         "\x00\x00\x40\x40" "\x00\x00\x80\x40" "\x00\x00\xa0\x40"
                                         "\x00\x00\x00\x3f" "\x00\x00\x80\xbe", 32);
    write_raw_safetensors(file, header, data);
    const auto read = read_safetensors(file);
    REQUIRE(read.size() == 2);
    CHECK(read.at("weight").shape == std::vector<std::size_t>{2, 3});
    CHECK(read.at("weight").values == std::vector<float>{0, 1, 2, 3, 4, 5});
    CHECK(read.at("bias").shape == std::vector<std::size_t>{2});
    CHECK(read.at("bias").values == std::vector<float>{0.5f, -0.25f});
  }

  SECTION("an empty checkpoint") {
    const fs::path file = scratch / "empty.safetensors";
    write_raw_safetensors(file, "{}      ", "");
    CHECK(read_safetensors(file).empty());
  }
}

TEST_CASE("a checkpoint held in memory is read from a stream, and its errors name the given name",
          "[io][safetensors]") {
  const std::string header = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const std::string bytes = little_endian_u64(header.size()) + header + little_endian_f32({1.5f, -2.0f});
  std::istringstream stream(bytes);
  const auto read = read_safetensors(stream, "in-memory.safetensors");
  REQUIRE(read.size() == 1);
  CHECK(read.at("w").values == std::vector<float>{1.5f, -2.0f});

  std::istringstream truncated(bytes.substr(0, bytes.size() - 4));
  require_io_error([&] { read_safetensors(truncated, "in-memory.safetensors"); }, "in-memory.safetensors",
                   {"data_offsets within the 4-byte data buffer"});
}

TEST_CASE("save_parameters then load_parameters restores every parameter", "[io][safetensors]") {
  ScratchDirectory scratch;
  const fs::path file = scratch / "toy.safetensors";
  Toy saved;
  fill_toy(saved, 0.5f);
  saved.w.grad.fill(9);  // gradients are not part of a checkpoint
  const Toy& read_only = saved;
  ctgrad::save_parameters(file, read_only);

  const auto tensors = read_safetensors(file);
  REQUIRE(tensors.size() == 2);
  CHECK(tensors.at("w").shape == std::vector<std::size_t>{2, 3});
  CHECK(tensors.at("b").shape == std::vector<std::size_t>{3});

  Toy loaded;
  ctgrad::load_parameters(file, loaded);
  CHECK(same_values(saved, loaded));
  CHECK(loaded.w.grad[0] == 0);
}

TEST_CASE("load_parameters refuses a mismatched file and leaves the model untouched", "[io][safetensors]") {
  ScratchDirectory scratch;
  const fs::path file = scratch / "mismatch.safetensors";
  Toy model;
  fill_toy(model, 3.0f);
  const Toy before = model;
  // "w" is right in every case, so a partial update would show in it; "b" is declared after it.
  const std::vector<float> good_w{10, 11, 12, 13, 14, 15};
  const std::vector<float> good_b{20, 21, 22};

  SECTION("wrong shape") {
    const std::vector<float> long_b{20, 21, 22, 23};
    write_safetensors(file, std::vector<TensorView>{{"w", {2, 3}, good_w}, {"b", {4}, long_b}});
    require_io_error([&] { ctgrad::load_parameters(file, model); }, file,
                     {"tensor b", "expected shape [3]", "found [4]"});
  }
  SECTION("transposed shape with the right size") {
    write_safetensors(file, std::vector<TensorView>{{"b", {3}, good_b}, {"w", {3, 2}, good_w}});
    require_io_error([&] { ctgrad::load_parameters(file, model); }, file,
                     {"tensor w", "expected shape [2,3]", "found [3,2]"});
  }
  SECTION("missing tensor") {
    write_safetensors(file, std::vector<TensorView>{{"w", {2, 3}, good_w}});
    require_io_error([&] { ctgrad::load_parameters(file, model); }, file,
                     {"expected tensor b [3], found no such tensor"});
  }
  SECTION("unexpected tensor") {
    const std::vector<float> extra{1};
    write_safetensors(file,
                      std::vector<TensorView>{{"w", {2, 3}, good_w}, {"b", {3}, good_b}, {"foo", {1}, extra}});
    require_io_error([&] { ctgrad::load_parameters(file, model); }, file,
                     {"unexpected tensor foo", "another model"});
  }
  SECTION("non-finite value") {
    const std::vector<float> infinite_b{20, std::numeric_limits<float>::infinity(), 22};
    write_safetensors(file, std::vector<TensorView>{{"w", {2, 3}, good_w}, {"b", {3}, infinite_b}});
    require_io_error([&] { ctgrad::load_parameters(file, model); }, file,
                     {"tensor b", "finite", "inf", "index 1"});
  }
  SECTION("NaN") {
    const std::vector<float> nan_b{std::numeric_limits<float>::quiet_NaN(), 21, 22};
    write_safetensors(file, std::vector<TensorView>{{"w", {2, 3}, good_w}, {"b", {3}, nan_b}});
    require_io_error([&] { ctgrad::load_parameters(file, model); }, file, {"tensor b", "finite", "nan"});
  }
  CHECK(same_values(model, before));
}

TEST_CASE("write_safetensors refuses inconsistent tensors and leaves an existing file as it was",
          "[io][safetensors]") {
  ScratchDirectory scratch;
  const fs::path file = scratch / "kept.safetensors";
  const std::vector<float> original{1, 2};
  write_safetensors(file, std::vector<TensorView>{{"kept", {2}, original}});
  const std::string original_bytes = read_bytes(file);
  const std::vector<float> five{1, 2, 3, 4, 5};

  SECTION("value count differs from the shape") {
    require_io_error([&] { write_safetensors(file, std::vector<TensorView>{{"w", {2, 3}, five}}); }, file,
                     {"tensor w", "expected 6 values", "found 5"});
  }
  SECTION("shape too large to count") {
    require_io_error(
        [&] { write_safetensors(file, std::vector<TensorView>{{"w", {std::size_t{1} << 40, std::size_t{1} << 40}, five}}); },
        file, {"tensor w", "2^64"});
  }
  SECTION("duplicate names") {
    require_io_error(
        [&] { write_safetensors(file, std::vector<TensorView>{{"w", {5}, five}, {"w", {5}, five}}); }, file,
        {"tensor w", "unique", "twice"});
  }
  SECTION("the reserved metadata key as a tensor name") {
    require_io_error([&] { write_safetensors(file, std::vector<TensorView>{{"__metadata__", {5}, five}}); }, file,
                     {"reserved"});
  }
  SECTION("a name that is not UTF-8") {
    require_io_error([&] { write_safetensors(file, std::vector<TensorView>{{"w\xff", {5}, five}}); }, file,
                     {"UTF-8"});
  }
  CHECK(read_bytes(file) == original_bytes);
  CHECK(std::distance(fs::directory_iterator(scratch.path), fs::directory_iterator()) == 1);
}

TEST_CASE("write_safetensors into a folder that does not exist fails naming the file", "[io][safetensors]") {
  ScratchDirectory scratch;
  const fs::path file = scratch / "no_such_folder" / "w.safetensors";
  const std::vector<float> values{1};
  require_io_error([&] { write_safetensors(file, std::vector<TensorView>{{"w", {1}, values}}); }, file,
                   {"cannot create"});
}

TEST_CASE("corrupt: the file is missing or not a file", "[io][safetensors][corrupt]") {
  ScratchDirectory scratch;
  require_read_error(scratch / "absent.safetensors", {"no such file"});
  require_read_error(scratch.path, {"directory"});
}

TEST_CASE("corrupt: the file is shorter than the 8-byte header length", "[io][safetensors][corrupt]") {
  ScratchDirectory scratch;
  const fs::path empty = scratch / "empty.safetensors";
  write_bytes(empty, "");
  require_read_error(empty, {"at least 8 bytes", "found 0"});
  const fs::path five = scratch / "five.safetensors";
  write_bytes(five, std::string("\x08\x00\x00\x00\x00", 5));
  require_read_error(five, {"at least 8 bytes", "found 5"});
}

TEST_CASE("corrupt: the header length runs past the end of the file", "[io][safetensors][corrupt]") {
  ScratchDirectory scratch;
  const fs::path file = scratch / "long.safetensors";
  write_bytes(file, little_endian_u64(1000) + "{}");
  require_read_error(file, {"header length", "2 bytes", "found 1000"});
}

TEST_CASE("corrupt: the header length is absurd, refused before any allocation", "[io][safetensors][corrupt]") {
  ScratchDirectory scratch;
  const fs::path just_over = scratch / "just_over.safetensors";
  write_bytes(just_over, little_endian_u64((std::uint64_t{100} << 20) + 1) + "{}");
  require_read_error(just_over, {"at most 104857600", "found a length of 104857601"});
  const fs::path largest = scratch / "largest.safetensors";
  write_bytes(largest, little_endian_u64(std::numeric_limits<std::uint64_t>::max()) + "{}");
  require_read_error(largest, {"at most", "18446744073709551615"});
}

TEST_CASE("corrupt: the header is not valid JSON", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"w":{"dtype":"F32")", "", {"invalid JSON"});
  require_corrupt("{\"w\xff\":{}}", "", {"invalid JSON"});
  // nlohmann::json alone would stop at the NUL and accept what follows.
  require_corrupt(std::string("{}\0{\"x\"", 7), "", {"invalid JSON", "NUL byte at byte 2"});
}

// Found by tests/fuzz/fuzz_safetensors: nlohmann::json threw its own
// out_of_range for a number beyond a double's range, not ctgrad::io::Error.
TEST_CASE("corrupt: a number too large for a double", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"w":{"dtype":"F32","shape":[1e400],"data_offsets":[0,4]}})", std::string(4, '\0'),
                  {"JSON header", "too large for a double"});
  require_corrupt(R"({"__metadata__":{"x":"y"},"z":-1e99999})", "", {"too large for a double"});
}

TEST_CASE("corrupt: the header is JSON but not an object", "[io][safetensors][corrupt]") {
  require_corrupt("[1,2]", "", {"JSON object", "found array"});
  require_corrupt(R"("w")", "", {"JSON object", "found string"});
}

TEST_CASE("corrupt: an entry is not an object", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"w":[0,4]})", std::string(4, '\0'), {"tensor w", "found array"});
}

TEST_CASE("corrupt: an entry lacks a field", "[io][safetensors][corrupt]") {
  const std::string four(4, '\0');
  require_corrupt(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", four, {"tensor w", "field dtype"});
  require_corrupt(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", four, {"tensor w", "field shape"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[1]}})", four, {"tensor w", "field data_offsets"});
}

TEST_CASE("corrupt: a field has the wrong JSON type", "[io][safetensors][corrupt]") {
  const std::string four(4, '\0');
  require_corrupt(R"({"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}})", four, {"tensor w", "dtype", "found 32"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":"1","data_offsets":[0,4]}})", four,
                  {"tensor w", "shape", "found string"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}})", four,
                  {"tensor w", "shape", "found string"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":{"begin":0}}})", four,
                  {"tensor w", "data_offsets", "found object"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4]}})", four,
                  {"tensor w", "data_offsets", "found [4]"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}})", four,
                  {"tensor w", "data_offsets", "found [0,4,8]"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})", four,
                  {"tensor w", "data_offsets", "found [-4,0]"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}})", four,
                  {"tensor w", "data_offsets", "found [0,4.0]"});
}

TEST_CASE("corrupt: a dtype other than F32", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})", std::string(4, '\0'),
                  {"tensor w", "expected dtype F32, found BF16"});
  require_corrupt(R"({"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})", std::string(8, '\0'),
                  {"tensor w", "expected dtype F32, found F64"});
}

TEST_CASE("corrupt: a negative or fractional extent", "[io][safetensors][corrupt]") {
  const std::string eight(8, '\0');
  require_corrupt(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight,
                  {"tensor w", "non-negative integers", "found -2"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}})", eight,
                  {"tensor w", "non-negative integers", "found 2.5"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}})", eight,
                  {"tensor w", "non-negative integers", "found 2.0"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[1e30],"data_offsets":[0,8]}})", eight,
                  {"tensor w", "non-negative integers"});
}

TEST_CASE("corrupt: the shape's byte size differs from the data_offsets range", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::string(8, '\0'),
                  {"tensor w", "expected 12 bytes", "[3]", "found data_offsets [0,8]"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})",
                  std::string(8, '\0'), {"tensor w", "fits in 64 bits", "[4294967296,4294967296]"});
}

TEST_CASE("corrupt: data_offsets point outside the data buffer", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", std::string(8, '\0'),
                  {"tensor w", "within the 8-byte data buffer", "found [0,16]"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[18446744073709551612,0]}})",
                  std::string(8, '\0'), {"tensor w", "begin <= end"});
  require_corrupt(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[18446744073709551612,18446744073709551615]}})",
                  std::string(8, '\0'), {"tensor w", "within the 8-byte data buffer"});
}

TEST_CASE("corrupt: data_offsets begin after end", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", std::string(8, '\0'),
                  {"tensor w", "begin <= end", "found [8,0]"});
}

TEST_CASE("corrupt: two tensors share bytes", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                  std::string(12, '\0'), {"tensor b", "overlap", "where tensor a ends"});
  require_corrupt(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                  std::string(8, '\0'), {"overlap"});
}

TEST_CASE("corrupt: unused bytes between or before tensors", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                  R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                  std::string(12, '\0'), {"tensor b", "gap of 4", "start at byte 4"});
  require_corrupt(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", std::string(8, '\0'),
                  {"tensor a", "gap of 4", "start at byte 0"});
}

TEST_CASE("corrupt: bytes after the last tensor", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", std::string(8, '\0'),
                  {"4 trailing bytes"});
  require_corrupt("{}", std::string(3, '\0'), {"3 trailing bytes"});
}

TEST_CASE("corrupt: duplicate keys", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                  R"("w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                  std::string(8, '\0'), {"duplicate key w"});
  require_corrupt(R"({"w":{"dtype":"BF16","dtype":"F32","shape":[1],"data_offsets":[0,4]}})", std::string(4, '\0'),
                  {"duplicate key dtype"});
}

TEST_CASE("corrupt: metadata that is not a map of strings", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"__metadata__":["pt"]})", "", {"__metadata__", "found array"});
  require_corrupt(R"({"__metadata__":{"epoch":12}})", "", {"__metadata__", "found 12", "epoch"});
}

TEST_CASE("corrupt: a tensor name with a newline keeps the message on one line", "[io][safetensors][corrupt]") {
  require_corrupt(R"({"bad\nname":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}})", std::string(2, '\0'),
                  {"tensor bad?name", "found BF16"});
}
