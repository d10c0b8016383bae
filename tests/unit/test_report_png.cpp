// Report pictures: canvas drawing, PNG files, metrics.csv, and the three plots.
// With CTGRAD_REPORT_SAMPLES=<folder> set, the plots of sample data are also
// written there to be looked at.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <unistd.h>

#include "ctgrad/io/atomic_file.hpp"
#include "ctgrad/report/canvas.hpp"
#include "ctgrad/report/plots.hpp"
#include "ctgrad/report/png.hpp"

// An independent decoder for the round trip (stb_image, the reading half of
// libstb-dev), compiled into this test only.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

namespace {

using namespace ctgrad::report;
using Catch::Matchers::Contains;

struct TemporaryFolder {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("ctgrad_test_report_png_" + std::to_string(::getpid()));
  TemporaryFolder() {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TemporaryFolder() { std::filesystem::remove_all(path); }
};

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  const std::span<const std::byte> chunks[] = {std::as_bytes(std::span(text))};
  ctgrad::io::write_file_atomically(file, chunks);
}

std::uint32_t big_endian_at(const std::string& bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
  return value;
}

struct PngHeader {
  std::uint32_t width, height;
  int bit_depth, color_type;
};

// Checks the signature and that IHDR comes first; returns its fields.
PngHeader read_png_header(const std::string& bytes) {
  REQUIRE(bytes.size() > 33);
  CHECK(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(big_endian_at(bytes, 8) == 13);
  CHECK(bytes.substr(12, 4) == "IHDR");
  return {big_endian_at(bytes, 16), big_endian_at(bytes, 20), static_cast<unsigned char>(bytes[24]),
          static_cast<unsigned char>(bytes[25])};
}

// Writes `image` as `name` into `folder` and checks the file's header.
void check_written(const Image& image, const std::filesystem::path& folder, const std::string& name) {
  const std::filesystem::path file = folder / name;
  write_png(file, image);
  const PngHeader header = read_png_header(read_bytes(file));
  CHECK(header.width == static_cast<std::uint32_t>(image.width()));
  CHECK(header.height == static_cast<std::uint32_t>(image.height()));
  CHECK(header.bit_depth == 8);
  CHECK(header.color_type == 2);  // truecolour RGB
}

std::size_t count_pixels(const Image& image, Rgb color) {
  std::size_t count = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) count += image.pixel(x, y) == color;
  return count;
}

template <class Action>
std::string error_message(Action action) {
  try {
    action();
  } catch (const ctgrad::io::Error& error) {
    return error.what();
  }
  FAIL("expected a ctgrad::io::Error, none was thrown");
  return {};
}

// --- sample data, also rendered for looking at -------------------------------

// 23 passes of falling train and test error, in the shape of the 1989 run.
std::vector<MetricRow> sample_metrics() {
  std::vector<MetricRow> rows;
  for (int pass = 1; pass <= 23; ++pass) {
    const double wobble = 0.15 * std::sin(pass * 1.7);
    const double train = 0.6 + 6.5 * std::exp(-0.28 * (pass - 1)) + 0.5 * wobble;
    const double test = 4.7 + 4.0 * std::exp(-0.35 * (pass - 1)) + wobble;
    rows.push_back({pass, "train", train / 40, train, static_cast<std::size_t>(train * 72.91), 0.11 * pass});
    rows.push_back({pass, "test", test / 40, test, static_cast<std::size_t>(test * 20.07), 0.11 * pass});
  }
  return rows;
}

// A 16x16 seven-segment digit in [-1, 1] (ink +1 on background -1), 2 pixels
// thick, slanted a little so it looks handwritten enough.
std::vector<float> segment_digit(int digit) {
  // Segments a..g of each digit, as on a calculator.
  static constexpr std::array<const char*, 10> lit = {"abcdef", "bc", "abdeg", "abcdg", "bcfg",
                                                      "acdfg",  "acdefg", "abc", "abcdefg", "abcdfg"};
  std::vector<float> image(16 * 16, -1.f);
  auto ink = [&](int x, int y) {
    for (int dy = 0; dy < 2; ++dy)
      for (int dx = 0; dx < 2; ++dx) {
        const int px = x + dx + (12 - y) / 5, py = y + dy;  // slant: the top leans right
        if (px >= 0 && px < 16 && py >= 0 && py < 16) image[static_cast<std::size_t>(py * 16 + px)] = 1.f;
      }
  };
  auto horizontal = [&](int y) { for (int x = 4; x <= 10; ++x) ink(x, y); };
  auto vertical = [&](int x, int y0) { for (int y = y0; y <= y0 + 5; ++y) ink(x, y); };
  for (const char* segment = lit[static_cast<std::size_t>(digit)]; *segment != '\0'; ++segment) switch (*segment) {
      case 'a': horizontal(1); break;
      case 'b': vertical(10, 1); break;
      case 'c': vertical(10, 7); break;
      case 'd': horizontal(12); break;
      case 'e': vertical(3, 7); break;
      case 'f': vertical(3, 1); break;
      case 'g': horizontal(6); break;
    }
  return image;
}

struct Mistakes {
  std::vector<float> images;
  std::vector<std::uint8_t> truth, predicted;
};

Mistakes sample_mistakes(std::size_t count) {
  Mistakes mistakes;
  std::mt19937 rng(7);
  for (std::size_t index = 0; index < count; ++index) {
    const int truth = static_cast<int>(index % 10);
    const int predicted = (truth + 1 + static_cast<int>(rng() % 9)) % 10;
    std::vector<float> image = segment_digit(truth);
    // Blur the edges into grey, as resampled scans are.
    std::uniform_real_distribution<float> noise(-0.25f, 0.25f);
    for (float& value : image) value = std::clamp(value + (value > 0 ? -std::abs(noise(rng)) : 0.f), -1.f, 1.f);
    mistakes.images.insert(mistakes.images.end(), image.begin(), image.end());
    mistakes.truth.push_back(static_cast<std::uint8_t>(truth));
    mistakes.predicted.push_back(static_cast<std::uint8_t>(predicted));
  }
  return mistakes;
}

// 12 random 5x5 kernels with some structure: a random edge direction plus noise.
std::vector<float> sample_kernels() {
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.f, 0.15f);
  std::uniform_real_distribution<float> angle(0.f, 6.2832f), size(0.2f, 1.2f);
  std::vector<float> weights;
  for (int kernel = 0; kernel < 12; ++kernel) {
    const float direction = angle(rng), scale = size(rng);
    for (int row = 0; row < 5; ++row)
      for (int column = 0; column < 5; ++column)
        weights.push_back(scale * (0.5f * (std::cos(direction) * (column - 2.f) + std::sin(direction) * (row - 2.f)) +
                                   noise(rng)));
  }
  return weights;
}

void render_samples_if_asked() {
  const char* folder = std::getenv("CTGRAD_REPORT_SAMPLES");
  if (folder == nullptr) return;
  const std::filesystem::path out(folder);
  std::filesystem::create_directories(out);
  write_png(out / "learning_curves.png", learning_curves(sample_metrics(), "lenet1 seed 1: error per pass"));
  const Mistakes mistakes = sample_mistakes(64);
  write_png(out / "mistakes.png", mistakes_grid(mistakes.images, mistakes.truth, mistakes.predicted, 16,
                                                "test mistakes: first 64 of 94"));
  const Mistakes few = sample_mistakes(3);
  write_png(out / "mistakes_few.png",
            mistakes_grid(few.images, few.truth, few.predicted, 16, "test mistakes: all 3 of 2007 (0.15%)"));
  const std::vector<float> kernels = sample_kernels();
  write_png(out / "kernels.png", kernel_grid(kernels, 12, 5, "H1 kernels (5x5)"));
  // A longer run with three splits: no markers, a coarser pass axis.
  std::vector<MetricRow> long_run;
  for (int pass = 1; pass <= 120; ++pass)
    for (const auto& [split, floor] : {std::pair{"train", 0.2}, {"val", 2.1}, {"test", 2.4}})
      long_run.push_back({pass, split, 0, floor + 30 * std::exp(-0.08 * pass), 0, 0});
  write_png(out / "learning_curves_long.png", learning_curves(long_run, "micro_vit: error per epoch"));
  write_png(out / "learning_curves_empty.png", learning_curves({}));
  Image font(620, 150);
  font.text(10, 10, " !\"#$%&'()*+,-./0123456789:;<=>?@\nABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`\nabcdefghijklmnopqrstuvwxyz{|}~",
            colors::black, 2);
  font.text(10, 90, "t:7 p:2  error 4.73%  pass 23/23  H1w[0] = -0.42 + (a_b)", colors::dark_gray, 1);
  font.text(10, 110, "Quick brown fox, jumping: 99.5% - done.", colors::blue, 3);
  write_png(out / "font.png", font);
}

}  // namespace

TEST_CASE("fill_rect colours exactly its pixels and clips at the edges", "[report]") {
  Image image(20, 10, colors::white);
  image.fill_rect(3, 2, 4, 5, colors::red);
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 20; ++x) {
      const bool inside = x >= 3 && x < 7 && y >= 2 && y < 7;
      INFO("pixel " << x << ", " << y);
      CHECK(image.pixel(x, y) == (inside ? colors::red : colors::white));
    }
  image.fill_rect(-5, -5, 100, 7, colors::blue);  // partly outside: no throw, rows 0 and 1 only
  CHECK(count_pixels(image, colors::blue) == 40);
  CHECK(image.pixel(0, 2) == colors::white);
  CHECK_THROWS_AS(image.pixel(20, 0), std::out_of_range);
  CHECK_THROWS_AS(Image(0, 5), std::invalid_argument);
}

TEST_CASE("line draws both ends and the pixels between", "[report]") {
  Image image(10, 10);
  image.line(1, 1, 8, 8, colors::black);
  for (int i = 1; i <= 8; ++i) CHECK(image.pixel(i, i) == colors::black);
  CHECK(count_pixels(image, colors::black) == 8);
  image.line(9, 0, 9, 9, colors::red, 1);
  CHECK(count_pixels(image, colors::red) == 10);
}

TEST_CASE("text draws ink inside its glyph box and nowhere else", "[report]") {
  for (int scale : {1, 2, 3}) {
    Image image(200, 60);
    const std::string text = "t:7 p:2 %(x)";
    const int left = 7, top = 11;
    image.text(left, top, text, colors::black, scale);
    const int right = left + text_width(text, scale), bottom = top + text_height(text, scale);
    CHECK(text_width(text, scale) == (12 * 6 - 1) * scale);
    CHECK(text_height(text, scale) == 8 * scale);
    std::size_t inside = 0, outside = 0;
    for (int y = 0; y < image.height(); ++y)
      for (int x = 0; x < image.width(); ++x) {
        const bool ink = image.pixel(x, y) == colors::black;
        (x >= left && x < right && y >= top && y < bottom ? inside : outside) += ink;
      }
    INFO("scale " << scale);
    CHECK(inside > 0);
    CHECK(outside == 0);
    // 't' row 0 is ".#...": ink in its second column, none in its first.
    CHECK(image.pixel(left + 1 * scale, top) == colors::black);
    CHECK(image.pixel(left, top) == colors::white);
  }
}

TEST_CASE("every printable character has ink; others draw a box", "[report]") {
  for (char code = '!'; code <= '~'; ++code) {
    Image image(8, 10);
    image.text(1, 1, std::string(1, code), colors::black);
    INFO("character " << code);
    CHECK(count_pixels(image, colors::black) > 0);
  }
  Image image(8, 10);
  image.text(1, 1, "\x01", colors::black);
  CHECK(count_pixels(image, colors::black) == 5 * 2 + 5 * 2);
}

TEST_CASE("encode_png writes an RGB PNG that decodes to the same pixels", "[report]") {
  Image image(7, 3, colors::white);
  image.set_pixel(0, 0, {1, 2, 3});
  image.set_pixel(6, 2, {250, 128, 0});
  image.fill_rect(2, 1, 3, 1, colors::blue);
  const std::vector<std::byte> png = encode_png(image);
  const std::string bytes(reinterpret_cast<const char*>(png.data()), png.size());
  const PngHeader header = read_png_header(bytes);
  CHECK(header.width == 7);
  CHECK(header.height == 3);
  CHECK(header.color_type == 2);

  int width = 0, height = 0, channels = 0;
  stbi_uc* decoded = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(png.data()), static_cast<int>(png.size()),
                                           &width, &height, &channels, 3);
  REQUIRE(decoded != nullptr);
  CHECK(width == 7);
  CHECK(height == 3);
  const std::vector<std::uint8_t> pixels(decoded, decoded + 7 * 3 * 3);
  stbi_image_free(decoded);
  CHECK(pixels == image.rgb_bytes());
}

TEST_CASE("write_png replaces the file whole and names the file on failure", "[report]") {
  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "picture.png";
  write_text(file, "old contents");
  write_png(file, Image(5, 4));
  CHECK(read_png_header(read_bytes(file)).width == 5);
  CHECK(std::distance(std::filesystem::directory_iterator(folder.path), std::filesystem::directory_iterator()) == 1);
  const std::filesystem::path unwritable = folder.path / "missing_folder" / "picture.png";
  CHECK_THAT(error_message([&] { write_png(unwritable, Image(5, 4)); }), Contains(unwritable.string()));
}

TEST_CASE("metrics.csv round-trips exactly", "[report]") {
  std::vector<MetricRow> rows = sample_metrics();
  rows.push_back({24, "test", 0.1, 1e-17, 0, 123456.789});
  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "metrics.csv";
  write_text(file, format_metrics_csv(rows));
  CHECK(read_metrics_csv(file) == rows);
  CHECK(read_bytes(file).starts_with("pass,split,loss,error,misses,seconds\n1,train,"));

  // Hand-written files: CRLF line ends, no final newline, a blank line.
  const std::vector<MetricRow> parsed =
      parse_metrics_csv("pass,split,loss,error,misses,seconds\r\n1,train,0.5,4.83,352,1.25\r\n\r\n2,test,0.25,5,100,2",
                        "metrics.csv");
  REQUIRE(parsed.size() == 2);
  CHECK(parsed[0] == MetricRow{1, "train", 0.5, 4.83, 352, 1.25});
  CHECK(parsed[1] == MetricRow{2, "test", 0.25, 5.0, 100, 2.0});
  CHECK(parse_metrics_csv("pass,split,loss,error,misses,seconds\n", "metrics.csv").empty());
}

TEST_CASE("a malformed metrics.csv names the file, the line, what was expected and found", "[report]") {
  const std::string header = "pass,split,loss,error,misses,seconds\n";
  const std::string good = "1,train,0.5,4.8,352,1.2\n";
  auto message = [](const std::string& text) {
    return error_message([&] { parse_metrics_csv(text, "runs/a/metrics.csv"); });
  };
  CHECK(message(header + good + "2,train,0.5,4.8,352\n") ==
        "runs/a/metrics.csv:3: expected 6 comma-separated fields (pass,split,loss,error,misses,seconds), found 5 in "
        "\"2,train,0.5,4.8,352\"");
  CHECK(message(header + good + "1,test,0.5,4.8,3,1\n" + "x,test,0.5,4.8,3,1\n") ==
        "runs/a/metrics.csv:4: expected pass to be a non-negative integer, found \"x\"");
  CHECK_THAT(message(header + "1,test,0.5,4.8%,3,1\n"), Contains("metrics.csv:2: expected error to be a percentage"));
  CHECK_THAT(message(header + "1,test,0.5,101,3,1\n"), Contains("metrics.csv:2: expected error"));
  CHECK_THAT(message(header + "1,test,nan,1,3,1\n"), Contains(":2: expected loss to be a finite number, found \"nan\""));
  CHECK_THAT(message(header + "1,test,0.5,1,-3,1\n"), Contains(":2: expected misses"));
  CHECK_THAT(message(header + "1,test,0.5,1,3, 1\n"), Contains(":2: expected seconds"));
  CHECK_THAT(message(header + "1,,0.5,1,3,1\n"), Contains(":2: expected a split name"));
  CHECK_THAT(message(header + good + "1,train,0.4,4,300,2\n"),
             Contains(":3: expected one row per pass and split, found a second row for pass 1, split train (the "
                      "first is on line 2)"));
  CHECK(message("pass,split,loss,error\n" + good) ==
        "runs/a/metrics.csv:1: expected the header pass,split,loss,error,misses,seconds, found "
        "\"pass,split,loss,error\"");
  CHECK_THAT(message(""), Contains(":1: expected the header pass,split,loss,error,misses,seconds, found an empty file"));
  CHECK_THAT(error_message([] { read_metrics_csv("/nonexistent/metrics.csv"); }),
             Contains("/nonexistent/metrics.csv: expected a readable metrics file"));
}

TEST_CASE("learning_curves draws one coloured line per split", "[report]") {
  TemporaryFolder folder;
  const Image image = learning_curves(sample_metrics());
  CHECK(count_pixels(image, colors::blue) > 500);
  CHECK(count_pixels(image, colors::orange) > 500);
  CHECK(count_pixels(image, colors::green) == 0);
  check_written(image, folder.path, "learning_curves.png");

  const Image empty = learning_curves({});
  CHECK(count_pixels(empty, colors::blue) == 0);
  check_written(empty, folder.path, "learning_curves_empty.png");
  std::vector<MetricRow> one_pass = {{1, "test", 0.1, 0, 0, 1}};
  check_written(learning_curves(one_pass), folder.path, "learning_curves_one.png");
}

TEST_CASE("mistakes_grid lays out up to max_count digits, 8 to a row, ink black", "[report]") {
  TemporaryFolder folder;
  const Mistakes ten = sample_mistakes(10);
  const Image image = mistakes_grid(ten.images, ten.truth, ten.predicted, 16);
  const Image seventeen = mistakes_grid(sample_mistakes(17).images, sample_mistakes(17).truth,
                                        sample_mistakes(17).predicted, 16);
  CHECK(seventeen.width() == image.width());
  CHECK(seventeen.height() > image.height());  // a third row
  std::size_t dark = 0;  // ink: every digit has strokes of 6 x 6-pixel cells, mostly near black
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) dark += image.pixel(x, y).green < 96 && image.pixel(x, y).red < 96;
  CHECK(dark > 10 * 6 * 6 * 10);
  CHECK(count_pixels(image, colors::red) > 0);                  // predicted labels
  check_written(image, folder.path, "mistakes.png");

  const Mistakes many = sample_mistakes(100);
  const Image capped = mistakes_grid(many.images, many.truth, many.predicted, 16, "first 64", 64);
  const Image exactly = mistakes_grid(std::span(many.images).first(64 * 256), std::span(many.truth).first(64),
                                      std::span(many.predicted).first(64), 16, "first 64", 64);
  CHECK(capped.rgb_bytes() == exactly.rgb_bytes());
  check_written(capped, folder.path, "mistakes_64.png");
  check_written(mistakes_grid({}, {}, {}, 16), folder.path, "mistakes_none.png");

  CHECK_THROWS_AS(mistakes_grid(ten.images, ten.truth, std::span(ten.predicted).first(9), 16), std::invalid_argument);
  CHECK_THROWS_AS(mistakes_grid(std::span(ten.images).first(100), ten.truth, ten.predicted, 16),
                  std::invalid_argument);
}

TEST_CASE("kernel_grid shows negative weights blue and positive red", "[report]") {
  TemporaryFolder folder;
  const Rgb full_blue{33, 102, 172}, full_red{178, 24, 43};
  std::vector<float> two(2 * 25, 0.f);
  two[0] = -0.5f;  // kernel 0: its largest |w| is negative, so it is full blue
  two[25 + 24] = 3.f;  // kernel 1: full red
  const Image image = kernel_grid(two, 2, 5);
  CHECK(count_pixels(image, full_blue) >= 24 * 24);
  CHECK(count_pixels(image, full_red) >= 24 * 24);
  check_written(image, folder.path, "kernels_two.png");

  const std::vector<float> kernels = sample_kernels();
  check_written(kernel_grid(kernels, 12, 5, "H1"), folder.path, "kernels.png");
  CHECK_THROWS_AS(kernel_grid(kernels, 13, 5), std::invalid_argument);

  render_samples_if_asked();
}
