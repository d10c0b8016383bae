// Report pictures (report/pictures.hpp): each PNG is read back with cairo's
// own PNG reader and checked where the layout says the data is drawn.
// With CTGRAD_REPORT_SAMPLES=<folder> set, pictures of sample data are also
// written there to be looked at.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <cairo.h>
#include <unistd.h>

#include "ctgrad/io/metrics_csv.hpp"
#include "report/pictures.hpp"
#include "tests/support/temp_folder.hpp"

namespace {

using ctgrad::testing::TemporaryFolder;
using ctgrad::testing::read_bytes;

using ctgrad::io::MetricsRow;
using report::Rgb;
using Catch::Matchers::Contains;

constexpr Rgb white{255, 255, 255}, blue = report::series_colors[0], orange = report::series_colors[1],
              green = report::series_colors[2];

// A PNG file decoded by cairo.
class Picture {
 public:
  explicit Picture(const std::filesystem::path& file) : surface_(cairo_image_surface_create_from_png(file.c_str())) {
    INFO(file);
    REQUIRE(cairo_surface_status(surface_) == CAIRO_STATUS_SUCCESS);
    const cairo_format_t format = cairo_image_surface_get_format(surface_);
    REQUIRE((format == CAIRO_FORMAT_RGB24 || format == CAIRO_FORMAT_ARGB32));
    cairo_surface_flush(surface_);
  }
  ~Picture() { cairo_surface_destroy(surface_); }
  Picture(const Picture&) = delete;
  Picture& operator=(const Picture&) = delete;

  int width() const { return cairo_image_surface_get_width(surface_); }
  int height() const { return cairo_image_surface_get_height(surface_); }
  Rgb pixel(int x, int y) const {
    if (x < 0 || y < 0 || x >= width() || y >= height())
      throw std::out_of_range("pixel (" + std::to_string(x) + ", " + std::to_string(y) + ") outside the picture");
    const unsigned char* row = cairo_image_surface_get_data(surface_) + y * cairo_image_surface_get_stride(surface_);
    std::uint32_t value;  // 0xAARRGGBB in native byte order; opaque, so not premultiplied
    std::copy_n(row + 4 * x, 4, reinterpret_cast<unsigned char*>(&value));
    return {static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 8),
            static_cast<std::uint8_t>(value)};
  }
  Rgb pixel(report::Point at) const {
    return pixel(static_cast<int>(std::floor(at.x)), static_cast<int>(std::floor(at.y)));
  }
  template <class Predicate>
  std::size_t count(Predicate predicate, int left = 0, int top = 0, int right = -1, int bottom = -1) const {
    right = right < 0 ? width() : right, bottom = bottom < 0 ? height() : bottom;
    std::size_t found = 0;
    for (int y = top; y < bottom; ++y)
      for (int x = left; x < right; ++x) found += predicate(pixel(x, y));
    return found;
  }
  std::size_t count(Rgb color) const {
    return count([color](Rgb pixel) { return pixel == color; });
  }

 private:
  cairo_surface_t* surface_;
};

bool dark(Rgb pixel) { return pixel.red < 96 && pixel.green < 96 && pixel.blue < 96; }

// PNG signature and IHDR, read without cairo: 8-bit truecolour.
void check_png_header(const std::filesystem::path& file, int width, int height) {
  const std::string bytes = read_bytes(file);
  REQUIRE(bytes.size() > 33);
  CHECK(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(bytes.substr(12, 4) == "IHDR");
  auto big_endian = [&](std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
  };
  CHECK(big_endian(16) == static_cast<std::uint32_t>(width));
  CHECK(big_endian(20) == static_cast<std::uint32_t>(height));
  CHECK(static_cast<int>(bytes[24]) == 8);
  CHECK(static_cast<int>(bytes[25]) == 2);
}

template <class Exception = ctgrad::io::Error, class Action>
std::string error_message(Action action) {
  try {
    action();
  } catch (const Exception& error) {
    return error.what();
  }
  FAIL("expected an exception, none was thrown");
  return {};
}

// --- sample data --------------------------------------------------------------

// 23 passes of falling train and test error, in the shape of the 1989 run;
// test stays above train by at least a percent.
std::vector<MetricsRow> sample_metrics() {
  std::vector<MetricsRow> rows;
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
// thick, slanted a little, with grey edges as resampled scans have.
std::vector<float> segment_digit(int digit, std::mt19937& rng) {
  static constexpr std::array<const char*, 10> lit = {"abcdef", "bc", "abdeg", "abcdg", "bcfg",
                                                      "acdfg",  "acdefg", "abc", "abcdefg", "abcdfg"};
  std::vector<float> image(16 * 16, -1.f);
  auto ink = [&](int x, int y) {
    for (int dy = 0; dy < 2; ++dy)
      for (int dx = 0; dx < 2; ++dx) {
        const int px = x + dx + (12 - y) / 5, py = y + dy;
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
  std::uniform_real_distribution<float> fade(0.f, 0.5f);
  for (float& value : image)
    if (value > 0) value -= fade(rng);
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
    const std::vector<float> image = segment_digit(truth, rng);
    mistakes.images.insert(mistakes.images.end(), image.begin(), image.end());
    mistakes.truth.push_back(static_cast<std::uint8_t>(truth));
    mistakes.predicted.push_back(static_cast<std::uint8_t>((truth + 1 + static_cast<int>(rng() % 9)) % 10));
  }
  return mistakes;
}

// 12 random 5x5 kernels: an edge in a random direction plus noise.
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
  report::write_learning_curves(out / "learning_curves.png", sample_metrics(), "lenet1 seed 1: error per pass");
  std::vector<MetricsRow> long_run;  // three splits, no markers, a coarser pass axis
  for (int pass = 1; pass <= 120; ++pass)
    for (const auto& [split, floor] : {std::pair{"train", 0.2}, {"val", 2.1}, {"test", 2.4}})
      long_run.push_back({pass, split, 0, floor + 30 * std::exp(-0.08 * pass), 0, 0});
  report::write_learning_curves(out / "learning_curves_long.png", long_run, "micro_vit: error per epoch");
  report::write_learning_curves(out / "learning_curves_empty.png", {}, "no passes");
  const Mistakes mistakes = sample_mistakes(70);
  report::write_mistakes_grid(out / "mistakes.png", mistakes.images, mistakes.truth, mistakes.predicted, 16,
                              "test mistakes: 70 of 2007 (t: true, p: predicted)");
  report::write_kernel_grid(out / "kernels.png", sample_kernels(), 12, 5, "H1 kernels (5x5)");
}

}  // namespace

TEST_CASE("learning curves: each split's colour at its data points, axes and text, nothing elsewhere", "[report]") {
  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "learning_curves.png";
  const std::vector<MetricsRow> rows = sample_metrics();
  report::write_learning_curves(file, rows, "lenet1: error per pass");
  const report::CurvesLayout layout = report::curves_layout(rows);
  const Picture picture(file);
  REQUIRE(picture.width() == layout.width);
  REQUIRE(picture.height() == layout.height);
  check_png_header(file, layout.width, layout.height);

  // The layout itself: the first pass at the left of the frame, the last at
  // its right, 0% at its bottom, the largest error below its top.
  const report::Box frame = layout.frame;
  CHECK(layout.at(1, 0).x == Approx(frame.left + layout.inset));
  CHECK(layout.at(23, 0).x == Approx(frame.left + frame.width - layout.inset));
  CHECK(layout.at(1, 0).y == Approx(frame.top + frame.height));
  const double max_error = std::max_element(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
                             return a.error_percent < b.error_percent;
                           })->error_percent;
  CHECK(layout.at(1, max_error).y >= frame.top);
  CHECK(layout.top_error < max_error + 2 * layout.error_step);

  for (const MetricsRow& row : rows) {
    INFO("pass " << row.pass << " " << row.split << " at " << row.error_percent << "%");
    CHECK(picture.pixel(layout.at(row.pass, row.error_percent)) == (row.split == "train" ? blue : orange));
  }
  // Below the train curve at pass 3 lies nothing but background and grid.
  const report::Point empty = layout.at(3, 0.3 * layout.top_error / 9);
  CHECK(picture.count([](Rgb pixel) { return pixel == blue || pixel == orange; }, static_cast<int>(empty.x) - 5,
                      static_cast<int>(empty.y) - 5, static_cast<int>(empty.x) + 5, static_cast<int>(empty.y) + 5) == 0);
  CHECK(picture.count(blue) > 300);
  CHECK(picture.count(orange) > 300);
  CHECK(picture.count(green) == 0);
  // Text: the title above the frame, tick labels left of it and below it.
  CHECK(picture.count(dark, 0, 0, picture.width(), frame.top - 10) > 100);
  CHECK(picture.count(dark, 0, frame.top, frame.left - 8, frame.top + frame.height) > 100);
  CHECK(picture.count(dark, frame.left, frame.top + frame.height + 8, frame.left + frame.width, picture.height()) > 100);
}

TEST_CASE("learning curves of a run without passes: an empty frame saying so", "[report]") {
  TemporaryFolder folder;
  report::write_learning_curves(folder.path / "empty.png", {}, "no passes yet");
  const Picture picture(folder.path / "empty.png");
  CHECK(picture.count(blue) == 0);
  CHECK(picture.count(dark) > 100);  // title, frame, the message
  // A single pass still shows its points.
  const std::vector<MetricsRow> one = {{1, "train", 0.1, 2, 1, 1}, {1, "test", 0.1, 3, 1, 1}};
  report::write_learning_curves(folder.path / "one.png", one, "one pass");
  const Picture single(folder.path / "one.png");
  const report::CurvesLayout layout = report::curves_layout(one);
  CHECK(single.pixel(layout.at(1, 2)) == blue);
  CHECK(single.pixel(layout.at(1, 3)) == orange);
}

TEST_CASE("an empty metrics file or an unwritable picture is a one-line error naming the file", "[report]") {
  TemporaryFolder folder;
  const std::filesystem::path metrics = folder.path / "metrics.csv";
  std::ofstream(metrics).close();
  CHECK(error_message([&] { report::write_learning_curves(folder.path / "c.png", ctgrad::io::read_metrics_csv(metrics), ""); }) ==
        metrics.string() + ": line 1: expected the header pass,split,loss,error,misses,seconds, found an empty file");

  const std::filesystem::path unwritable = folder.path / "missing_folder" / "learning_curves.png";
  const std::string message = error_message([&] { report::write_learning_curves(unwritable, sample_metrics(), "t"); });
  CHECK_THAT(message, Contains(unwritable.string()) && Contains("No such file or directory"));
  CHECK(message.find('\n') == std::string::npos);
  CHECK_THAT(error_message([&] { report::write_kernel_grid(unwritable, std::vector<float>(25), 1, 5, ""); }),
             Contains(unwritable.string()));
  CHECK_FALSE(std::filesystem::exists(unwritable.parent_path()));

  // An existing picture is replaced whole, with nothing left beside it.
  const std::filesystem::path file = folder.path / "picture.png";
  std::ofstream(file) << "old contents";
  report::write_kernel_grid(file, std::vector<float>(25), 1, 5, "");
  CHECK(Picture(file).width() == report::kernel_layout(1, 5, "").width);
  CHECK(std::distance(std::filesystem::directory_iterator(folder.path), std::filesystem::directory_iterator()) == 2);
}

TEST_CASE("kernel grid: each weight is a square of its colour, scaled by its kernel's largest |w|", "[report]") {
  // ColorBrewer RdBu's ends and white, independently of report::diverging.
  constexpr Rgb full_blue{33, 102, 172}, full_red{178, 24, 43};
  CHECK(report::diverging(-1) == full_blue);
  CHECK(report::diverging(-7) == full_blue);
  CHECK(report::diverging(0) == white);
  CHECK(report::diverging(1) == full_red);
  CHECK(report::diverging(0.5) == Rgb{217, 140, 149});  // halfway from white: (255 + 178) / 2, ...

  TemporaryFolder folder;
  const std::filesystem::path file = folder.path / "kernels.png";
  // Two 2x2 kernels: the first's largest |w| is 0.5 (negative), the second's 3.
  const std::vector<float> weights = {-0.5f, 0.f, 0.25f, 0.5f, /**/ 3.f, 0.f, 0.f, -1.5f};
  const std::array<Rgb, 8> expected = {full_blue, white, report::diverging(0.5), full_red,
                                       full_red,  white, white,                  report::diverging(-0.5)};
  report::write_kernel_grid(file, weights, 2, 2, "two kernels");
  const report::GridLayout layout = report::kernel_layout(2, 2, "two kernels");
  const Picture picture(file);
  REQUIRE(picture.width() == layout.width);
  REQUIRE(picture.height() == layout.height);
  CHECK(layout.zoom >= 60);  // 2 pixels enlarged to about 120
  for (std::size_t kernel = 0; kernel < 2; ++kernel) {
    const report::Box box = layout.image(kernel);
    CHECK(box.width == 2 * layout.zoom);
    for (int row = 0; row < 2; ++row)
      for (int column = 0; column < 2; ++column) {
        const Rgb color = expected[kernel * 4 + static_cast<std::size_t>(row * 2 + column)];
        const int left = box.left + column * layout.zoom, top = box.top + row * layout.zoom;
        INFO("kernel " << kernel << " weight (" << row << ", " << column << ")");
        CHECK(picture.count([&](Rgb pixel) { return pixel == color; }, left, top, left + layout.zoom,
                            top + layout.zoom) == static_cast<std::size_t>(layout.zoom * layout.zoom));
      }
  }
  CHECK(picture.count(dark) > 50);  // title, indices, largest |w|, colour bar labels

  CHECK_THROWS_AS(report::write_kernel_grid(file, weights, 3, 2, ""), std::invalid_argument);
  CHECK_THAT(error_message<std::invalid_argument>([&] { report::write_kernel_grid(file, weights, 3, 2, ""); }),
             Contains("expected 3 kernels of 2x2 = 12 weights, found 8"));
}

TEST_CASE("mistakes grid: images in ink at their places, 8 to a row, at most max_count", "[report]") {
  TemporaryFolder folder;
  const Mistakes ten = sample_mistakes(10);
  const std::filesystem::path file = folder.path / "mistakes.png";
  report::write_mistakes_grid(file, ten.images, ten.truth, ten.predicted, 16, "ten mistakes");
  const report::GridLayout layout = report::mistakes_layout(10, 16, "ten mistakes");
  CHECK(layout.columns == 8);
  CHECK(layout.image(8).top > layout.image(0).top + layout.image(0).height);  // a second row
  const Picture picture(file);
  REQUIRE(picture.width() == layout.width);
  REQUIRE(picture.height() == layout.height);
  for (std::size_t index = 0; index < 10; ++index) {
    const report::Box box = layout.image(index);
    for (int row = 0; row < 16; ++row)
      for (int column = 0; column < 16; ++column) {
        const float value = ten.images[index * 256 + static_cast<std::size_t>(row * 16 + column)];
        const Rgb shade = picture.pixel(box.left + column * layout.zoom + layout.zoom / 2,
                                        box.top + row * layout.zoom + layout.zoom / 2);
        INFO("image " << index << " pixel (" << row << ", " << column << ") = " << value);
        CHECK(shade == report::ink(value));
      }
  }
  CHECK(report::ink(-1) == white);
  CHECK(report::ink(1) == Rgb{0, 0, 0});
  // The predicted labels in red under the images.
  const report::Box first = layout.image(0);
  CHECK(picture.count([](Rgb pixel) { return pixel.red > 150 && pixel.green < 100 && pixel.blue < 100; }, first.left,
                      first.top + first.height, first.left + first.width, first.top + layout.cell_height) > 5);

  const report::GridLayout capped = report::mistakes_layout(100, 16, "first 64", 64);
  CHECK(capped.count == 64);
  CHECK(capped.height == report::mistakes_layout(64, 16, "first 64").height);
  report::write_mistakes_grid(folder.path / "none.png", {}, {}, {}, 16, "no mistakes");
  CHECK(Picture(folder.path / "none.png").count(dark) > 50);
  CHECK_THROWS_AS(report::write_mistakes_grid(file, ten.images, ten.truth, std::span(ten.predicted).first(9), 16, ""),
                  std::invalid_argument);
  CHECK_THROWS_AS(report::write_mistakes_grid(file, std::span(ten.images).first(100), ten.truth, ten.predicted, 16, ""),
                  std::invalid_argument);

  render_samples_if_asked();
}
