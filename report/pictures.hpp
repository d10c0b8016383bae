#pragma once
// The pictures of a run report, drawn with cairo and written as PNG files:
// learning curves from metrics.csv, a grid of misclassified images, a grid of
// convolution kernels (or any small square filters). Program support, not
// part of the ctgrad library: CMake target ctgrad_report, which is not
// installed.
//
// Each write_* function replaces `file` whole (io::write_file_atomically)
// and throws ctgrad::io::Error naming it on failure; wrong arguments (sizes
// that do not match) throw std::invalid_argument. The layouts say where each
// picture draws what, for the pictures and for the tests that check them.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include <ctgrad/io/metrics_csv.hpp>

namespace report {

struct Rgb {
  std::uint8_t red = 0, green = 0, blue = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

// The splits' colours, in order of first appearance in metrics.csv:
// matplotlib's "tab10" blue, orange, green and red, distinct in print and for
// the common colour-vision deficiencies.
inline constexpr Rgb series_colors[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}};

// A weight divided by its kernel's largest |w|, clamped to [-1, 1]: blue
// for negative, white for zero, red for positive (the ends of ColorBrewer's
// RdBu). NaN is magenta.
Rgb diverging(double value);
// An image pixel in [-1, 1], the range `lenet1 prepare` writes: -1
// (background) white, +1 (ink) black, as on paper. Not finite: magenta.
Rgb ink(double value);

struct Point {
  double x = 0, y = 0;
};
struct Box {
  int left = 0, top = 0, width = 0, height = 0;
};

// Where learning_curves draws: the picture's size, the plot's frame and its
// axes. Error (%) from 0 up, against the pass.
struct CurvesLayout {
  int width = 960, height = 600;
  Box frame;
  double first_pass = 0, last_pass = 1, pass_step = 1;  // the x axis and its tick spacing
  double top_error = 1, error_step = 0.2;               // the y axis, from 0, and its tick spacing
  int inset = 16;  // keeps the first and last points off the frame
  // The pixel of a data point.
  Point at(double pass, double error_percent) const;
};
CurvesLayout curves_layout(std::span<const ctgrad::io::MetricsRow> rows);

// Error per pass, a line per split with markers while they stay apart, axes
// with ticks and labels, a legend giving each split's last value, `title`
// on top. No rows: an empty frame saying so.
void write_learning_curves(const std::filesystem::path& file, std::span<const ctgrad::io::MetricsRow> rows,
                           std::string_view title);

// Where a grid of square images draws image `index`.
struct GridLayout {
  int width = 0, height = 0;
  std::size_t count = 0;  // images drawn
  int columns = 1;
  int side = 1;  // image pixels per side
  int zoom = 1;  // picture pixels per image pixel
  int left = 0, top = 0, cell_width = 0, cell_height = 0;
  Box image(std::size_t index) const;
};

// At most `max_count` misclassified images, 8 to a row, each enlarged to
// about 96 pixels, with "t:<true> p:<predicted>" under it (the prediction in
// red). `images` holds true_labels.size() row-major side x side images.
// The learning curves of two runs on one picture (e.g. two optimizers): each
// run folder's metrics.csv, its splits named "<label> train", "<label> test".
// `labels` name the runs, one per folder.
void write_run_comparison(const std::filesystem::path& file, std::span<const std::filesystem::path> run_dirs,
                          std::span<const std::string> labels, std::string_view title);

GridLayout mistakes_layout(std::size_t count, std::size_t side, std::string_view title, std::size_t max_count = 64);
void write_mistakes_grid(const std::filesystem::path& file, std::span<const float> images,
                         std::span<const std::uint8_t> true_labels, std::span<const std::uint8_t> predicted_labels,
                         std::size_t side, std::string_view title, std::size_t max_count = 64);

// `count` kernels of side x side weights (row-major, one after another, e.g.
// LeNet-1's 12 H1 kernels of 5x5), each enlarged to about 120 pixels and
// coloured by diverging() of its weights over its own largest |w|, with its
// index and that largest |w| under it, and a colour bar. `columns` 0 picks
// about a square grid, at least 6 wide.
GridLayout kernel_layout(std::size_t count, std::size_t side, std::string_view title, std::size_t columns = 0);
void write_kernel_grid(const std::filesystem::path& file, std::span<const float> weights, std::size_t count,
                       std::size_t side, std::string_view title, std::size_t columns = 0);

}  // namespace report
