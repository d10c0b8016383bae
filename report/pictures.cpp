#include "report/pictures.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <cairo.h>

#include <ctgrad/io/atomic_file.hpp>
#include <ctgrad/io/error.hpp>

namespace report {

namespace {

using ctgrad::io::MetricsRow;

constexpr Rgb white{255, 255, 255}, black{0, 0, 0}, dark_gray{64, 64, 64}, gray{128, 128, 128},
    light_gray{200, 200, 200}, grid_gray{232, 232, 232}, magenta{255, 0, 255}, red{214, 39, 40};

// "DejaVu Sans" comes with cairo on Debian (fontconfig depends on a font,
// fonts-dejavu-core first); fontconfig substitutes another sans if it is missing.
constexpr const char* font_family = "DejaVu Sans";
constexpr double title_size = 20, label_size = 15, tick_size = 14;

Rgb mix(Rgb from, Rgb to, double amount) {
  auto channel = [amount](std::uint8_t a, std::uint8_t b) {
    return static_cast<std::uint8_t>(std::lround(a + (b - a) * std::clamp(amount, 0.0, 1.0)));
  };
  return {channel(from.red, to.red), channel(from.green, to.green), channel(from.blue, to.blue)};
}

void check(bool condition, const std::string& message) {
  if (!condition) throw std::invalid_argument(message);
}

// One picture: an RGB surface filled white, and its drawing context.
class Canvas {
 public:
  Canvas(int width, int height)
      : surface_(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height)), cr_(cairo_create(surface_)) {
    color(white);
    cairo_paint(cr_);
    font(label_size);
  }
  ~Canvas() {
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  cairo_t* cr() { return cr_; }

  // Byte values set exactly: c / 255 reaches cairo's 16-bit colour as c * 257,
  // whose top byte is c again in the 8-bit surface.
  void color(Rgb rgb) { cairo_set_source_rgb(cr_, rgb.red / 255.0, rgb.green / 255.0, rgb.blue / 255.0); }

  void font(double size, bool bold = false) {
    cairo_select_font_face(cr_, font_family, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
  }

  double text_width(const std::string& text) {
    cairo_text_extents_t extents;
    cairo_text_extents(cr_, text.c_str(), &extents);
    return extents.x_advance;
  }

  // `text` placed by its box (advance wide, ascent + descent high): `align_x`
  // 0 puts its left edge at x, 0.5 its middle, 1 its right edge; `align_y`
  // likewise from its top to its bottom. Returns the advance.
  double text(const std::string& text, double x, double y, Rgb rgb, double align_x = 0, double align_y = 0) {
    cairo_font_extents_t font_extents;
    cairo_font_extents(cr_, &font_extents);
    const double width = text_width(text);
    const double height = font_extents.ascent + font_extents.descent;
    color(rgb);
    cairo_move_to(cr_, x - align_x * width, y - align_y * height + font_extents.ascent);
    cairo_show_text(cr_, text.c_str());
    return width;
  }

  void fill_rect(double left, double top, double width, double height, Rgb rgb) {
    color(rgb);
    cairo_rectangle(cr_, left, top, width, height);
    cairo_fill(cr_);
  }

  // A one-pixel frame just outside the box.
  void outline(Box box, Rgb rgb) {
    color(rgb);
    cairo_set_line_width(cr_, 1);
    cairo_rectangle(cr_, box.left - 0.5, box.top - 0.5, box.width + 1, box.height + 1);
    cairo_stroke(cr_);
  }

  // A horizontal or vertical one-pixel line on pixel centres, crisp.
  void hairline(double x0, double y0, double x1, double y1, Rgb rgb) {
    color(rgb);
    cairo_set_line_width(cr_, 1);
    cairo_move_to(cr_, std::floor(x0) + 0.5, std::floor(y0) + 0.5);
    cairo_line_to(cr_, std::floor(x1) + 0.5, std::floor(y1) + 0.5);
    cairo_stroke(cr_);
  }

  // Encodes the picture in memory, then replaces `file` atomically.
  void write_png(const std::filesystem::path& file) {
    cairo_surface_flush(surface_);
    if (const cairo_status_t status = cairo_status(cr_); status != CAIRO_STATUS_SUCCESS)
      ctgrad::io::fail(file, std::string("expected a picture to write, found cairo failing to draw it: ") +
                                 cairo_status_to_string(status));
    std::vector<std::byte> png;
    const cairo_status_t status = cairo_surface_write_to_png_stream(surface_, append, &png);
    if (status != CAIRO_STATUS_SUCCESS)
      ctgrad::io::fail(file, std::string("expected a PNG encoding, found cairo failing: ") +
                                 cairo_status_to_string(status));
    const std::span<const std::byte> chunks[] = {png};
    ctgrad::io::write_file_atomically(file, chunks);
  }

 private:
  static cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
    auto* png = static_cast<std::vector<std::byte>*>(closure);
    const auto* bytes = reinterpret_cast<const std::byte*>(data);
    png->insert(png->end(), bytes, bytes + length);
    return CAIRO_STATUS_SUCCESS;
  }

  cairo_surface_t* surface_;
  cairo_t* cr_;
};

// Text width without a picture, for layouts that fit a title.
double measure(const std::string& text, double size, bool bold = false) {
  Canvas scratch(1, 1);
  scratch.font(size, bold);
  return scratch.text_width(text);
}

std::string format(const char* pattern, double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, decimals, value);
  return buffer;
}

// The smallest 1, 2, 2.5 or 5 times a power of ten that is at least `raw`
// (2.5 left out for integer axes such as pass numbers).
double nice_step(double raw, bool integer) {
  if (!(raw > 0)) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (integer && factor == 2.5) continue;
    const double step = factor * magnitude;
    if (step >= raw * (1 - 1e-9)) return integer ? std::max(1.0, std::round(step)) : step;
  }
  return 10 * magnitude;
}

// The fewest decimals (at most 3) that write every multiple of `step` exactly.
int decimals_for(double step) {
  for (int decimals = 0; decimals < 3; ++decimals) {
    const double scaled = step * std::pow(10.0, decimals);
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * scaled) return decimals;
  }
  return 3;
}

enum class Marker { circle, square, diamond, triangle };
constexpr Marker markers[] = {Marker::circle, Marker::square, Marker::diamond, Marker::triangle};

void draw_marker(Canvas& canvas, Point at, Marker marker, Rgb rgb) {
  cairo_t* cr = canvas.cr();
  constexpr double radius = 4.5;
  canvas.color(rgb);
  switch (marker) {
    case Marker::circle: cairo_arc(cr, at.x, at.y, radius, 0, 2 * std::numbers::pi); break;
    case Marker::square: cairo_rectangle(cr, at.x - radius, at.y - radius, 2 * radius, 2 * radius); break;
    case Marker::diamond:
      cairo_move_to(cr, at.x, at.y - radius * 1.3);
      cairo_line_to(cr, at.x + radius * 1.3, at.y);
      cairo_line_to(cr, at.x, at.y + radius * 1.3);
      cairo_line_to(cr, at.x - radius * 1.3, at.y);
      cairo_close_path(cr);
      break;
    case Marker::triangle:
      cairo_move_to(cr, at.x, at.y - radius * 1.3);
      cairo_line_to(cr, at.x + radius * 1.3, at.y + radius);
      cairo_line_to(cr, at.x - radius * 1.3, at.y + radius);
      cairo_close_path(cr);
      break;
  }
  cairo_fill(cr);
}

int grid_rows(std::size_t count, int columns) {
  return std::max(1, static_cast<int>((count + static_cast<std::size_t>(columns) - 1) / static_cast<std::size_t>(columns)));
}

}  // namespace

Rgb diverging(double value) {
  if (std::isnan(value)) return magenta;
  constexpr Rgb negative{33, 102, 172}, positive{178, 24, 43};
  return value < 0 ? mix(white, negative, -value) : mix(white, positive, value);
}

Rgb ink(double value) { return std::isfinite(value) ? mix(white, black, (std::clamp(value, -1.0, 1.0) + 1) / 2) : magenta; }

Point CurvesLayout::at(double pass, double error_percent) const {
  const double span = last_pass - first_pass;
  return {frame.left + inset + (pass - first_pass) / span * (frame.width - 2 * inset),
          frame.top + frame.height - error_percent / top_error * frame.height};
}

CurvesLayout curves_layout(std::span<const MetricsRow> rows) {
  CurvesLayout layout;
  layout.frame = {90, 70, layout.width - 90 - 30, layout.height - 70 - 80};
  if (rows.empty()) return layout;
  int first = std::numeric_limits<int>::max(), last = std::numeric_limits<int>::min();
  double max_error = 0;
  for (const MetricsRow& row : rows) {
    first = std::min(first, row.pass);
    last = std::max(last, row.pass);
    max_error = std::max(max_error, row.error_percent);
  }
  layout.first_pass = first, layout.last_pass = last;
  if (first == last) layout.first_pass -= 1, layout.last_pass += 1;
  layout.pass_step = nice_step((layout.last_pass - layout.first_pass) / 10, /*integer=*/true);
  layout.error_step = max_error > 0 ? nice_step(max_error / 8, /*integer=*/false) : 0.2;
  layout.top_error = max_error > 0 ? std::ceil(max_error / layout.error_step * (1 - 1e-9)) * layout.error_step : 1.0;
  return layout;
}

void write_learning_curves(const std::filesystem::path& file, std::span<const MetricsRow> rows, std::string_view title) {
  const CurvesLayout layout = curves_layout(rows);
  const Box& frame = layout.frame;
  const double right = frame.left + frame.width, bottom = frame.top + frame.height;
  Canvas canvas(layout.width, layout.height);
  canvas.font(title_size, true);
  canvas.text(std::string(title), layout.width / 2.0, 22, black, 0.5);
  canvas.font(label_size);
  if (rows.empty()) {
    canvas.outline(frame, dark_gray);
    canvas.text("no metrics yet", frame.left + frame.width / 2.0, frame.top + frame.height / 2.0, gray, 0.5, 0.5);
    canvas.write_png(file);
    return;
  }

  // Grid lines and ticks: y every error_step ("4%", "4.5%"), x at the first
  // pass and the multiples of pass_step not too close to it.
  canvas.font(tick_size);
  const int decimals = decimals_for(layout.error_step);
  for (int tick = 0; tick * layout.error_step <= layout.top_error * (1 + 1e-9); ++tick) {
    const double y = std::round(layout.at(layout.first_pass, tick * layout.error_step).y);
    canvas.hairline(frame.left, y, right, y, grid_gray);
    canvas.hairline(frame.left - 6, y, frame.left, y, dark_gray);
    canvas.text(format("%.*f%%", tick * layout.error_step, decimals), frame.left - 10, y, black, 1, 0.5);
  }
  std::vector<double> x_ticks{layout.first_pass};
  for (double tick = std::ceil(layout.first_pass / layout.pass_step) * layout.pass_step; tick <= layout.last_pass;
       tick += layout.pass_step)
    if (tick - layout.first_pass >= layout.pass_step / 2) x_ticks.push_back(tick);
  for (double tick : x_ticks) {
    const double x = std::round(layout.at(tick, 0).x);
    canvas.hairline(x, frame.top, x, bottom, grid_gray);
    canvas.hairline(x, bottom, x, bottom + 6, dark_gray);
    canvas.text(format("%.*f", tick, 0), x, bottom + 10, black, 0.5);
  }
  canvas.outline(frame, dark_gray);
  canvas.font(label_size);
  canvas.text("pass", frame.left + frame.width / 2.0, bottom + 38, black, 0.5);
  cairo_save(canvas.cr());
  cairo_translate(canvas.cr(), 22, frame.top + frame.height / 2.0);
  cairo_rotate(canvas.cr(), -std::numbers::pi / 2);
  canvas.text("error (%)", 0, 0, black, 0.5, 0.5);
  cairo_restore(canvas.cr());

  // One series per split, in order of first appearance, sorted by pass.
  struct Series {
    std::string split;
    std::vector<std::pair<int, double>> points;
  };
  std::vector<Series> series;
  for (const MetricsRow& row : rows) {
    auto found = std::find_if(series.begin(), series.end(), [&](const Series& s) { return s.split == row.split; });
    if (found == series.end()) found = series.insert(series.end(), Series{row.split, {}});
    found->points.emplace_back(row.pass, row.error_percent);
  }
  for (Series& each : series) std::sort(each.points.begin(), each.points.end());

  // Markers only while they stay apart; hundreds of passes read as a line.
  const bool draw_markers = (frame.width - 2 * layout.inset) / (layout.last_pass - layout.first_pass) >= 10;
  cairo_t* cr = canvas.cr();
  cairo_save(cr);
  cairo_rectangle(cr, frame.left, frame.top, frame.width, frame.height);
  cairo_clip(cr);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (std::size_t index = 0; index < series.size(); ++index) {
    const Rgb rgb = series_colors[index % std::size(series_colors)];
    const auto& points = series[index].points;
    canvas.color(rgb);
    cairo_set_line_width(cr, 2);
    for (const auto& [pass, error] : points) {
      const Point at = layout.at(pass, error);
      cairo_line_to(cr, at.x, at.y);
    }
    cairo_stroke(cr);
    if (draw_markers || points.size() == 1)
      for (const auto& [pass, error] : points)
        draw_marker(canvas, layout.at(pass, error), markers[index % std::size(markers)], rgb);
  }
  cairo_restore(cr);

  // Legend, top right inside the frame: a sample of each line, the split's
  // name, and its last value.
  canvas.font(label_size);
  double name_width = 0, value_width = 0;
  std::vector<std::string> values;
  for (const Series& each : series) {
    values.push_back("last " + format("%.*f%%", each.points.back().second, 2));
    name_width = std::max(name_width, canvas.text_width(each.split));
    value_width = std::max(value_width, canvas.text_width(values.back()));
  }
  constexpr double entry_height = 26, sample_width = 36, padding = 12, gap = 12;
  const double box_width = padding + sample_width + gap + name_width + gap + value_width + padding;
  const double box_height = 2 * padding + entry_height * static_cast<double>(series.size()) - (entry_height - 18);
  const double box_left = std::floor(right - 14 - box_width), box_top = frame.top + 14;
  canvas.fill_rect(box_left, box_top, std::ceil(box_width), std::ceil(box_height), white);
  canvas.outline({static_cast<int>(box_left), static_cast<int>(box_top), static_cast<int>(std::ceil(box_width)),
                  static_cast<int>(std::ceil(box_height))},
                 light_gray);
  for (std::size_t index = 0; index < series.size(); ++index) {
    const Rgb rgb = series_colors[index % std::size(series_colors)];
    const double middle = box_top + padding + 9 + entry_height * static_cast<double>(index);
    canvas.color(rgb);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, box_left + padding, middle);
    cairo_line_to(cr, box_left + padding + sample_width, middle);
    cairo_stroke(cr);
    draw_marker(canvas, {box_left + padding + sample_width / 2, middle}, markers[index % std::size(markers)], rgb);
    const double name_left = box_left + padding + sample_width + gap;
    canvas.text(series[index].split, name_left, middle, black, 0, 0.5);
    canvas.text(values[index], name_left + name_width + gap, middle, dark_gray, 0, 0.5);
  }
  canvas.write_png(file);
}

Box GridLayout::image(std::size_t index) const {
  const int column = static_cast<int>(index % static_cast<std::size_t>(columns));
  const int row = static_cast<int>(index / static_cast<std::size_t>(columns));
  const int pixels = side * zoom;
  return {left + column * cell_width + (cell_width - pixels) / 2, top + row * cell_height, pixels, pixels};
}

namespace {

// Cells of `count` images, each about `target` pixels, captioned below by
// `caption_lines` lines of `caption_width` pixels; a title on top if given;
// `footer` pixels below the grid.
GridLayout grid_layout(std::size_t count, std::size_t side, int columns, int target, double caption_width,
                       int caption_lines, std::string_view title, int footer, int min_width) {
  constexpr int gap = 16, line = 20;
  GridLayout layout;
  layout.count = count;
  layout.columns = columns;
  layout.side = static_cast<int>(side);
  layout.zoom = std::max(1, (target + layout.side - 1) / layout.side);
  const int pixels = layout.side * layout.zoom;
  layout.cell_width = std::max(pixels, static_cast<int>(std::ceil(caption_width))) + gap;
  layout.cell_height = pixels + 6 + caption_lines * line + gap;
  const int title_height = title.empty() ? gap : 48;
  const int title_width = title.empty() ? 0 : static_cast<int>(std::ceil(measure(std::string(title), title_size, true)));
  layout.width = std::max({columns * layout.cell_width + gap, title_width + 2 * gap, min_width});
  layout.height = title_height + grid_rows(count, columns) * layout.cell_height + footer;
  layout.left = (layout.width - columns * layout.cell_width) / 2;
  layout.top = title_height;
  return layout;
}

void draw_title(Canvas& canvas, const GridLayout& layout, std::string_view title) {
  if (title.empty()) return;
  canvas.font(title_size, true);
  canvas.text(std::string(title), layout.width / 2.0, 12, black, 0.5);
}

// Image pixels as zoom x zoom squares on whole picture pixels, so each
// square is exactly its colour.
template <class Color>
void draw_image(Canvas& canvas, const GridLayout& layout, std::size_t index, std::span<const float> pixels,
                Color color) {
  const Box box = layout.image(index);
  for (int row = 0; row < layout.side; ++row)
    for (int column = 0; column < layout.side; ++column)
      canvas.fill_rect(box.left + column * layout.zoom, box.top + row * layout.zoom, layout.zoom, layout.zoom,
                       color(pixels[static_cast<std::size_t>(row * layout.side + column)]));
}

}  // namespace

GridLayout mistakes_layout(std::size_t count, std::size_t side, std::string_view title, std::size_t max_count) {
  check(side > 0, "mistakes_layout: expected a positive image side, found 0");
  count = std::min(count, max_count);
  const int columns = std::clamp(static_cast<int>(count), 1, 8);
  return grid_layout(count, side, columns, 96, measure("t:0  p:0", label_size), 1, title, 0, 0);
}

void write_mistakes_grid(const std::filesystem::path& file, std::span<const float> images,
                         std::span<const std::uint8_t> true_labels, std::span<const std::uint8_t> predicted_labels,
                         std::size_t side, std::string_view title, std::size_t max_count) {
  check(side > 0, "mistakes_grid: expected a positive image side, found 0");
  check(predicted_labels.size() == true_labels.size(),
        "mistakes_grid: expected as many predicted labels as true labels, found " +
            std::to_string(predicted_labels.size()) + " and " + std::to_string(true_labels.size()));
  check(images.size() == true_labels.size() * side * side,
        "mistakes_grid: expected " + std::to_string(true_labels.size()) + " images of " + std::to_string(side) + "x" +
            std::to_string(side) + " = " + std::to_string(true_labels.size() * side * side) + " floats, found " +
            std::to_string(images.size()));
  const GridLayout layout = mistakes_layout(true_labels.size(), side, title, max_count);
  Canvas canvas(layout.width, layout.height);
  draw_title(canvas, layout, title);
  canvas.font(label_size);
  if (layout.count == 0) canvas.text("none", layout.width / 2.0, layout.top + 40, gray, 0.5);
  for (std::size_t index = 0; index < layout.count; ++index) {
    draw_image(canvas, layout, index, images.subspan(index * side * side, side * side),
               [](float value) { return ink(value); });
    const Box box = layout.image(index);
    canvas.outline(box, light_gray);
    const std::string truth = "t:" + std::to_string(true_labels[index]) + "  ";
    const std::string predicted = "p:" + std::to_string(predicted_labels[index]);
    const double left = box.left + box.width / 2.0 - canvas.text_width(truth + predicted) / 2;
    const double top = box.top + box.height + 6;
    const double advance = canvas.text(truth, left, top, black);
    canvas.text(predicted, left + advance, top, red);
  }
  canvas.write_png(file);
}

GridLayout kernel_layout(std::size_t count, std::size_t side, std::string_view title, std::size_t columns) {
  check(side > 0, "kernel_layout: expected a positive kernel side, found 0");
  if (columns == 0)
    columns = std::min(count, std::max<std::size_t>(6, static_cast<std::size_t>(std::ceil(std::sqrt(count)))));
  constexpr int bar_footer = 14 + 8 + 20 + 16;
  return grid_layout(count, side, static_cast<int>(std::max<std::size_t>(columns, 1)), 120, measure("max|w| 0.00", label_size) + 16, 2, title,
                     bar_footer, 240 + 2 * 60);
}

void write_kernel_grid(const std::filesystem::path& file, std::span<const float> weights, std::size_t count,
                       std::size_t side, std::string_view title, std::size_t columns) {
  check(side > 0, "kernel_grid: expected a positive kernel side, found 0");
  check(weights.size() == count * side * side,
        "kernel_grid: expected " + std::to_string(count) + " kernels of " + std::to_string(side) + "x" +
            std::to_string(side) + " = " + std::to_string(count * side * side) + " weights, found " +
            std::to_string(weights.size()));
  const GridLayout layout = kernel_layout(count, side, title, columns);
  Canvas canvas(layout.width, layout.height);
  draw_title(canvas, layout, title);
  canvas.font(label_size);
  for (std::size_t index = 0; index < count; ++index) {
    const std::span<const float> values = weights.subspan(index * side * side, side * side);
    double largest = 0;
    for (float value : values)
      if (std::isfinite(value)) largest = std::max(largest, std::abs(static_cast<double>(value)));
    draw_image(canvas, layout, index, values, [largest](float value) {
      return diverging(largest > 0 ? value / largest : (std::isnan(value) ? value : 0.0));
    });
    const Box box = layout.image(index);
    canvas.outline(box, gray);
    const double middle = box.left + box.width / 2.0, top = box.top + box.height + 6;
    canvas.text(std::to_string(index), middle, top, black, 0.5);
    canvas.text("max|w| " + format("%.*g", largest, 2), middle, top + 20, dark_gray, 0.5);
  }

  // Colour bar: -max ... 0 ... +max.
  constexpr int bar_width = 240, bar_height = 14;
  const int bar_left = (layout.width - bar_width) / 2;
  const int bar_top = layout.top + grid_rows(count, layout.columns) * layout.cell_height;
  for (int x = 0; x < bar_width; ++x)
    canvas.fill_rect(bar_left + x, bar_top, 1, bar_height, diverging(2.0 * x / (bar_width - 1) - 1));
  canvas.outline({bar_left, bar_top, bar_width, bar_height}, gray);
  const double label_top = bar_top + bar_height + 6;
  canvas.text("-max", bar_left, label_top, black, 0.5);
  canvas.text("0", bar_left + bar_width / 2.0, label_top, black, 0.5);
  canvas.text("+max", bar_left + bar_width, label_top, black, 0.5);
  canvas.write_png(file);
}

void write_run_comparison(const std::filesystem::path& file, std::span<const std::filesystem::path> run_dirs,
                          std::span<const std::string> labels, std::string_view title) {
  if (run_dirs.size() != labels.size() || run_dirs.size() > std::size(series_colors) / 2)
    throw std::invalid_argument("write_run_comparison: expected up to " + std::to_string(std::size(series_colors) / 2) +
                                " run folders, one label each, found " + std::to_string(run_dirs.size()) +
                                " folders and " + std::to_string(labels.size()) + " labels");
  std::vector<MetricsRow> rows;
  for (std::size_t run = 0; run < run_dirs.size(); ++run)
    for (MetricsRow row : ctgrad::io::read_metrics_csv(run_dirs[run] / "metrics.csv")) {
      row.split = labels[run] + " " + row.split;
      rows.push_back(std::move(row));
    }
  write_learning_curves(file, rows, title);
}

}  // namespace report
