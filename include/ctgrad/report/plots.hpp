#pragma once
// The pictures of a run report: learning curves from metrics.csv, a grid of
// misclassified digits, a grid of convolution kernels. Each returns an Image;
// write_png (report/png.hpp, CMake target ctgrad_report) writes it.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ctgrad/report/canvas.hpp"
#include "ctgrad/report/metrics_csv.hpp"
#include "ctgrad/report/png.hpp"

namespace ctgrad::report {

namespace plot_detail {

// The smallest 1, 2, 2.5 or 5 times a power of ten that is at least `raw`
// (2.5 left out for integer axes such as pass numbers).
inline double nice_step(double raw, bool integer) {
  if (!(raw > 0)) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (integer && factor == 2.5) continue;
    const double step = factor * magnitude;
    if (step >= raw * (1 - 1e-9)) return integer ? std::max(1.0, std::round(step)) : step;
  }
  return 10 * magnitude;
}

inline std::string format(const char* pattern, double value, int decimals = 0) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, decimals, value);
  return buffer;
}

// The fewest decimals (at most 3) that write every multiple of `step` exactly.
inline int decimals_for(double step) {
  for (int decimals = 0; decimals < 3; ++decimals) {
    const double scaled = step * std::pow(10.0, decimals);
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * scaled) return decimals;
  }
  return 3;
}

enum class Marker { circle, square, diamond, triangle };

inline void draw_marker(Image& image, int x, int y, Marker marker, Rgb color, int radius) {
  switch (marker) {
    case Marker::circle: image.fill_circle(x, y, radius, color); break;
    case Marker::square: image.fill_rect(x - radius, y - radius, 2 * radius + 1, 2 * radius + 1, color); break;
    case Marker::diamond:
      for (int dy = -radius - 1; dy <= radius + 1; ++dy)
        for (int dx = -radius - 1; dx <= radius + 1; ++dx)
          if (std::abs(dx) + std::abs(dy) <= radius + 1) image.set_pixel(x + dx, y + dy, color);
      break;
    case Marker::triangle:
      for (int dy = -radius; dy <= radius; ++dy) {
        const int half_width = (dy + radius + 1) / 2;
        image.fill_rect(x - half_width, y + dy, 2 * half_width + 1, 1, color);
      }
      break;
  }
}

// Blue for negative, white for zero, red for positive: the ends of
// ColorBrewer's RdBu. `value` is clamped to [-1, 1]; NaN shows as magenta.
inline Rgb diverging(double value) {
  if (std::isnan(value)) return {255, 0, 255};
  constexpr Rgb negative{33, 102, 172}, positive{178, 24, 43};
  return value < 0 ? mix(colors::white, negative, -value) : mix(colors::white, positive, value);
}

inline void check(bool condition, const std::string& message) {
  if (!condition) throw std::invalid_argument(message);
}

}  // namespace plot_detail

// Error (%) per pass, one line per split in order of first appearance (train
// blue circles, test orange squares for lenet1's metrics.csv), with a legend
// that gives each split's last value. Linear axes: the y axis starts at 0.
inline Image learning_curves(const std::vector<MetricRow>& rows, std::string_view title = "error per pass") {
  using namespace plot_detail;
  constexpr int width = 960, height = 600, scale = 2;
  constexpr int plot_left = 120, plot_right = width - 40, plot_top = 80, plot_bottom = height - 90;
  constexpr int inset = 16;  // keeps the first and last markers off the frame
  Image image(width, height);
  image.text_centered(width / 2, 24, title, colors::black, 3);

  struct Series {
    std::string split;
    std::vector<std::pair<int, double>> points;
  };
  std::vector<Series> series;
  for (const MetricRow& row : rows) {
    auto found = std::find_if(series.begin(), series.end(), [&](const Series& s) { return s.split == row.split; });
    if (found == series.end()) found = series.insert(series.end(), Series{row.split, {}});
    found->points.emplace_back(row.pass, row.error_percent);
  }
  for (Series& each : series) std::sort(each.points.begin(), each.points.end());

  if (rows.empty()) {
    image.outline_rect(plot_left, plot_top, plot_right - plot_left + 1, plot_bottom - plot_top + 1, colors::dark_gray);
    image.text_centered((plot_left + plot_right) / 2, (plot_top + plot_bottom) / 2 - 8, "no metrics yet", colors::gray,
                        scale);
    return image;
  }

  int first_pass = std::numeric_limits<int>::max(), last_pass = std::numeric_limits<int>::min();
  double max_error = 0;
  for (const MetricRow& row : rows) {
    first_pass = std::min(first_pass, row.pass);
    last_pass = std::max(last_pass, row.pass);
    max_error = std::max(max_error, row.error_percent);
  }
  double x_low = first_pass, x_high = last_pass;
  if (first_pass == last_pass) x_low -= 1, x_high += 1;
  const double x_step = nice_step((x_high - x_low) / 10, /*integer=*/true);
  const double y_step = max_error > 0 ? nice_step(max_error / 8, /*integer=*/false) : 0.2;
  const double y_high = max_error > 0 ? std::ceil(max_error / y_step * (1 - 1e-9)) * y_step : 1.0;

  auto to_x = [&](double pass) {
    return static_cast<int>(std::lround(plot_left + inset +
                                        (pass - x_low) / (x_high - x_low) * (plot_right - plot_left - 2 * inset)));
  };
  auto to_y = [&](double error) {
    return static_cast<int>(std::lround(plot_bottom - error / y_high * (plot_bottom - plot_top)));
  };

  // Grid and y ticks ("4%", "4.5%", ...).
  const int decimals = decimals_for(y_step);
  for (int tick = 0; tick * y_step <= y_high * (1 + 1e-9); ++tick) {
    const int y = to_y(tick * y_step);
    image.fill_rect(plot_left, y, plot_right - plot_left, 1, colors::grid);
    image.fill_rect(plot_left - 6, y, 6, 1, colors::dark_gray);
    const std::string label = format("%.*f%%", tick * y_step, decimals);
    image.text(plot_left - 12 - text_width(label, scale), y - glyph_height * scale / 2 + 1, label, colors::black,
               scale);
  }
  // x ticks: the first pass, then the multiples of the step not too close to it.
  std::vector<int> x_ticks{static_cast<int>(x_low)};
  for (double tick = std::ceil(x_low / x_step) * x_step; tick <= x_high; tick += x_step)
    if (tick - x_low >= x_step / 2) x_ticks.push_back(static_cast<int>(tick));
  for (int tick : x_ticks) {
    const int x = to_x(tick);
    image.fill_rect(x, plot_top, 1, plot_bottom - plot_top, colors::grid);
    image.fill_rect(x, plot_bottom, 1, 6, colors::dark_gray);
    image.text_centered(x, plot_bottom + 14, std::to_string(tick), colors::black, scale);
  }
  image.outline_rect(plot_left, plot_top, plot_right - plot_left + 1, plot_bottom - plot_top + 1, colors::dark_gray);
  image.text_centered((plot_left + plot_right) / 2, plot_bottom + 48, "pass", colors::black, scale);

  const Rgb palette[] = {colors::blue, colors::orange, colors::green, colors::red};
  const Marker markers[] = {Marker::circle, Marker::square, Marker::diamond, Marker::triangle};
  // Markers only while they stay apart; hundreds of passes read as a line.
  const bool draw_markers = (plot_right - plot_left - 2 * inset) / (x_high - x_low) >= 10;
  for (std::size_t index = 0; index < series.size(); ++index) {
    const Rgb color = palette[index % std::size(palette)];
    const auto& points = series[index].points;
    for (std::size_t point = 1; point < points.size(); ++point)
      image.line(to_x(points[point - 1].first), to_y(points[point - 1].second), to_x(points[point].first),
                 to_y(points[point].second), color, 2);
    if (draw_markers || points.size() == 1)
      for (const auto& [pass, error] : points)
        draw_marker(image, to_x(pass), to_y(error), markers[index % std::size(markers)], color, 4);
  }

  // Legend, top right inside the plot: "train  last 0.66%".
  std::size_t longest_split = 0;
  for (const Series& each : series) longest_split = std::max(longest_split, each.split.size());
  std::vector<std::string> labels;
  int label_width = 0;
  for (const Series& each : series) {
    labels.push_back(each.split + std::string(longest_split - each.split.size() + 2, ' ') + "last " +
                     format("%.*f%%", each.points.back().second, 2));
    label_width = std::max(label_width, text_width(labels.back(), scale));
  }
  constexpr int entry_height = 28, sample_width = 36, padding = 12;
  const int box_width = padding + sample_width + 10 + label_width + padding;
  const int box_height = padding * 2 + entry_height * static_cast<int>(series.size()) - (entry_height - 16);
  const int box_left = plot_right - 14 - box_width, box_top = plot_top + 14;
  image.fill_rect(box_left, box_top, box_width, box_height, colors::white);
  image.outline_rect(box_left, box_top, box_width, box_height, colors::light_gray);
  for (std::size_t index = 0; index < series.size(); ++index) {
    const Rgb color = palette[index % std::size(palette)];
    const int y = box_top + padding + entry_height * static_cast<int>(index);
    const int middle = y + glyph_height * scale / 2 - 1;
    image.line(box_left + padding, middle, box_left + padding + sample_width, middle, color, 2);
    draw_marker(image, box_left + padding + sample_width / 2, middle, markers[index % std::size(markers)], color, 4);
    image.text(box_left + padding + sample_width + 10, y, labels[index], colors::black, scale);
  }
  return image;
}

// Up to `max_count` misclassified digits, 8 to a row, each upscaled to about
// 96 pixels with "t:<true> p:<predicted>" below it (the prediction in red).
// `images` holds true_labels.size() row-major side x side images in [-1, 1],
// the range `lenet1 prepare` writes: -1 (background) is drawn white, +1 (ink)
// black, as on paper.
inline Image mistakes_grid(std::span<const float> images, std::span<const std::uint8_t> true_labels,
                           std::span<const std::uint8_t> predicted_labels, std::size_t side,
                           std::string_view title = "", std::size_t max_count = 64) {
  using namespace plot_detail;
  check(side > 0, "mistakes_grid: expected a positive image side, found 0");
  check(predicted_labels.size() == true_labels.size(),
        "mistakes_grid: expected as many predicted labels as true labels, found " +
            std::to_string(predicted_labels.size()) + " and " + std::to_string(true_labels.size()));
  check(images.size() == true_labels.size() * side * side,
        "mistakes_grid: expected " + std::to_string(true_labels.size()) + " images of " + std::to_string(side) + "x" +
            std::to_string(side) + " = " + std::to_string(true_labels.size() * side * side) + " floats, found " +
            std::to_string(images.size()));
  constexpr int caption_scale = 2, gap = 16, max_columns = 8;
  const int count = static_cast<int>(std::min(true_labels.size(), max_count));
  const int side_pixels = static_cast<int>(side);
  const int zoom = std::max(1, (96 + side_pixels - 1) / side_pixels);
  const int digit = side_pixels * zoom;
  const int cell_width = std::max(digit, text_width("t:0 p:0", caption_scale)) + gap;
  const int cell_height = digit + 8 + glyph_height * caption_scale + gap;
  const int columns = std::clamp(count, 1, max_columns);
  const int grid_rows = std::max(1, (count + columns - 1) / columns);
  const int title_height = title.empty() ? gap : 24 + glyph_height * caption_scale;
  const int width = std::max(columns * cell_width + gap, title.empty() ? 0 : text_width(title, caption_scale) + 2 * gap);
  Image image(width, title_height + grid_rows * cell_height);
  if (!title.empty()) image.text_centered(width / 2, 12, title, colors::black, caption_scale);
  if (count == 0) image.text_centered(width / 2, title_height + cell_height / 2 - 8, "none", colors::gray, 2);
  const int grid_left = (width - columns * cell_width) / 2;

  for (int index = 0; index < count; ++index) {
    const int left = grid_left + (index % columns) * cell_width + (cell_width - digit) / 2;
    const int top = title_height + (index / columns) * cell_height;
    const float* pixels = images.data() + static_cast<std::size_t>(index) * side * side;
    for (int row = 0; row < side_pixels; ++row)
      for (int column = 0; column < side_pixels; ++column) {
        const float value = pixels[row * side_pixels + column];
        const Rgb shade =
            std::isfinite(value) ? mix(colors::white, colors::black, (std::clamp(value, -1.f, 1.f) + 1) / 2)
                                 : Rgb{255, 0, 255};
        image.fill_rect(left + column * zoom, top + row * zoom, zoom, zoom, shade);
      }
    image.outline_rect(left - 1, top - 1, digit + 2, digit + 2, colors::light_gray);

    const std::string truth = "t:" + std::to_string(true_labels[static_cast<std::size_t>(index)]) + " ";
    const std::string predicted = "p:" + std::to_string(predicted_labels[static_cast<std::size_t>(index)]);
    const int caption_left = left + digit / 2 - text_width(truth + predicted, caption_scale) / 2;
    const int caption_top = top + digit + 8;
    image.text(caption_left, caption_top, truth, colors::black, caption_scale);
    image.text(caption_left + static_cast<int>(truth.size()) * glyph_advance * caption_scale, caption_top, predicted,
               colors::red, caption_scale);
  }
  return image;
}

// `count` kernels of side x side weights (row-major, one after another, e.g.
// LeNet-1's 12 H1 kernels of 5x5), each upscaled to about 120 pixels and
// scaled by its own largest |w| onto blue (-) / white (0) / red (+), with its
// index and that largest |w| below it, and a colour bar. `columns` 0 picks
// about a square grid, at least 6 wide.
inline Image kernel_grid(std::span<const float> weights, std::size_t count, std::size_t side,
                         std::string_view title = "", std::size_t columns = 0) {
  using namespace plot_detail;
  check(side > 0, "kernel_grid: expected a positive kernel side, found 0");
  check(weights.size() == count * side * side,
        "kernel_grid: expected " + std::to_string(count) + " kernels of " + std::to_string(side) + "x" +
            std::to_string(side) + " = " + std::to_string(count * side * side) + " weights, found " +
            std::to_string(weights.size()));
  constexpr int gap = 16, index_scale = 2;
  const int side_pixels = static_cast<int>(side);
  const int zoom = std::max(1, (120 + side_pixels - 1) / side_pixels);
  const int kernel = side_pixels * zoom;
  const int cell_width = std::max(kernel, text_width("max|w| 0.00", index_scale)) + 2 * gap;
  const int cell_height = kernel + 6 + 2 * glyph_height * index_scale + 6 + gap;
  if (columns == 0)
    columns = std::min(count, std::max<std::size_t>(6, static_cast<std::size_t>(std::ceil(std::sqrt(count)))));
  const int grid_columns = static_cast<int>(std::max<std::size_t>(columns, 1));
  const int grid_rows = std::max(1, static_cast<int>((count + columns - 1) / std::max<std::size_t>(columns, 1)));
  const int title_height = title.empty() ? gap : 24 + glyph_height * index_scale;
  constexpr int bar_width = 240, bar_height = 14;
  const int legend_height = bar_height + 8 + glyph_height * index_scale + gap;
  const int width = std::max({grid_columns * cell_width + gap, bar_width + 2 * 60,
                              title.empty() ? 0 : text_width(title, index_scale) + 2 * gap});
  Image image(width, title_height + grid_rows * cell_height + legend_height);
  if (!title.empty()) image.text_centered(width / 2, 12, title, colors::black, index_scale);
  const int grid_left = (width - grid_columns * cell_width) / 2;

  for (std::size_t index = 0; index < count; ++index) {
    const std::span<const float> values = weights.subspan(index * side * side, side * side);
    double largest = 0;
    for (float value : values)
      if (std::isfinite(value)) largest = std::max(largest, std::abs(static_cast<double>(value)));
    const int left = grid_left + static_cast<int>(index % columns) * cell_width + (cell_width - kernel) / 2;
    const int top = title_height + static_cast<int>(index / columns) * cell_height;
    for (int row = 0; row < side_pixels; ++row)
      for (int column = 0; column < side_pixels; ++column) {
        const double value = values[static_cast<std::size_t>(row * side_pixels + column)];
        const double normalized = largest > 0 ? value / largest : (std::isnan(value) ? value : 0.0);
        image.fill_rect(left + column * zoom, top + row * zoom, zoom, zoom, diverging(normalized));
      }
    image.outline_rect(left - 1, top - 1, kernel + 2, kernel + 2, colors::gray);
    image.text_centered(left + kernel / 2, top + kernel + 6, std::to_string(index), colors::black, index_scale);
    image.text_centered(left + kernel / 2, top + kernel + 6 + glyph_height * index_scale + 6,
                        "max|w| " + format("%.*g", largest, 2), colors::dark_gray, index_scale);
  }

  // Colour bar: -max ... 0 ... +max.
  const int bar_left = (width - bar_width) / 2, bar_top = title_height + grid_rows * cell_height;
  for (int x = 0; x < bar_width; ++x)
    image.fill_rect(bar_left + x, bar_top, 1, bar_height, diverging(2.0 * x / (bar_width - 1) - 1));
  image.outline_rect(bar_left - 1, bar_top - 1, bar_width + 2, bar_height + 2, colors::gray);
  const int label_top = bar_top + bar_height + 8;
  image.text(bar_left - text_width("-max", index_scale) / 2, label_top, "-max", colors::black, index_scale);
  image.text_centered(bar_left + bar_width / 2, label_top, "0", colors::black, index_scale);
  image.text(bar_left + bar_width - text_width("+max", index_scale) / 2, label_top, "+max", colors::black,
             index_scale);
  return image;
}

}  // namespace ctgrad::report
