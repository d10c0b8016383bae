#pragma once
// An 8-bit RGB raster and the few drawing operations the report pictures need:
// rectangles, lines, circles and text in the 5x8 bitmap font (report/font.hpp)
// scaled by an integer factor. Coordinates are pixels, x to the right, y down;
// everything drawn is clipped to the image, so callers need not check bounds.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ctgrad/report/font.hpp"

namespace ctgrad::report {

struct Rgb {
  std::uint8_t red = 0, green = 0, blue = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

// `amount` 0 gives `from`, 1 gives `to`.
constexpr Rgb mix(Rgb from, Rgb to, double amount) {
  auto channel = [amount](std::uint8_t a, std::uint8_t b) {
    const double value = a + (b - a) * std::clamp(amount, 0.0, 1.0);
    return static_cast<std::uint8_t>(value + 0.5);
  };
  return {channel(from.red, to.red), channel(from.green, to.green), channel(from.blue, to.blue)};
}

namespace colors {
inline constexpr Rgb white{255, 255, 255};
inline constexpr Rgb black{0, 0, 0};
inline constexpr Rgb dark_gray{64, 64, 64};
inline constexpr Rgb gray{128, 128, 128};
inline constexpr Rgb light_gray{200, 200, 200};
inline constexpr Rgb grid{232, 232, 232};
// matplotlib's "tab10" blue, orange, green and red: distinct in print and for
// the common colour-vision deficiencies.
inline constexpr Rgb blue{31, 119, 180};
inline constexpr Rgb orange{255, 127, 14};
inline constexpr Rgb green{44, 160, 44};
inline constexpr Rgb red{214, 39, 40};
}  // namespace colors

// Text metrics: a glyph is 5x8 cells, followed by one blank column; lines are
// 10 cells apart. `text_width` is the ink box of the widest line (no trailing
// blank column).
inline constexpr int glyph_advance = glyph_width + 1;
inline constexpr int line_advance = glyph_height + 2;

inline int text_width(std::string_view text, int scale = 1) {
  std::size_t widest = 0, current = 0;
  for (char code : text) {
    if (code == '\n') {
      current = 0;
      continue;
    }
    widest = std::max(widest, ++current);
  }
  return widest == 0 ? 0 : (static_cast<int>(widest) * glyph_advance - 1) * scale;
}

inline int text_height(std::string_view text, int scale = 1) {
  if (text.empty()) return 0;
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  return ((lines - 1) * line_advance + glyph_height) * scale;
}

class Image {
 public:
  Image(int width, int height, Rgb background = colors::white) : width_(width), height_(height) {
    if (width <= 0 || height <= 0)
      throw std::invalid_argument("report::Image: expected a positive width and height, found " +
                                  std::to_string(width) + "x" + std::to_string(height));
    pixels_.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    fill_rect(0, 0, width, height, background);
  }

  int width() const { return width_; }
  int height() const { return height_; }
  bool contains(int x, int y) const { return x >= 0 && y >= 0 && x < width_ && y < height_; }
  // Row-major, three bytes (red, green, blue) per pixel, no row padding.
  const std::vector<std::uint8_t>& rgb_bytes() const { return pixels_; }

  Rgb pixel(int x, int y) const {
    if (!contains(x, y))
      throw std::out_of_range("report::Image::pixel: expected a pixel inside " + std::to_string(width_) + "x" +
                              std::to_string(height_) + ", found (" + std::to_string(x) + ", " +
                              std::to_string(y) + ")");
    const std::size_t at = offset(x, y);
    return {pixels_[at], pixels_[at + 1], pixels_[at + 2]};
  }

  void set_pixel(int x, int y, Rgb color) {
    if (!contains(x, y)) return;
    const std::size_t at = offset(x, y);
    pixels_[at] = color.red;
    pixels_[at + 1] = color.green;
    pixels_[at + 2] = color.blue;
  }

  void fill_rect(int x, int y, int width, int height, Rgb color) {
    const int left = std::max(x, 0), right = std::min(x + width, width_);
    const int top = std::max(y, 0), bottom = std::min(y + height, height_);
    for (int row = top; row < bottom; ++row)
      for (int column = left; column < right; ++column) set_pixel(column, row, color);
  }

  // A one-pixel frame just inside the rectangle.
  void outline_rect(int x, int y, int width, int height, Rgb color) {
    if (width <= 0 || height <= 0) return;
    fill_rect(x, y, width, 1, color);
    fill_rect(x, y + height - 1, width, 1, color);
    fill_rect(x, y, 1, height, color);
    fill_rect(x + width - 1, y, 1, height, color);
  }

  // Bresenham's line from (x0, y0) to (x1, y1), both ends included; a
  // thickness above one stamps a square of that side at every step.
  void line(int x0, int y0, int x1, int y1, Rgb color, int thickness = 1) {
    const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
    const int step_x = x0 < x1 ? 1 : -1, step_y = y0 < y1 ? 1 : -1;
    thickness = std::max(thickness, 1);
    const int half = (thickness - 1) / 2;
    int error = dx + dy;
    for (;;) {
      fill_rect(x0 - half, y0 - half, thickness, thickness, color);
      if (x0 == x1 && y0 == y1) return;
      const int doubled = 2 * error;
      if (doubled >= dy) {
        error += dy;
        x0 += step_x;
      }
      if (doubled <= dx) {
        error += dx;
        y0 += step_y;
      }
    }
  }

  void fill_circle(int center_x, int center_y, int radius, Rgb color) {
    for (int dy = -radius; dy <= radius; ++dy)
      for (int dx = -radius; dx <= radius; ++dx)
        if (dx * dx + dy * dy <= radius * radius + radius) set_pixel(center_x + dx, center_y + dy, color);
  }

  // `text` with its top-left corner at (x, y), each font cell a `scale` x
  // `scale` square; '\n' starts a new line. Only ink is drawn: the background
  // shows through between the strokes.
  void text(int x, int y, std::string_view text, Rgb color, int scale = 1) {
    int cursor_x = x, cursor_y = y;
    for (char code : text) {
      if (code == '\n') {
        cursor_x = x;
        cursor_y += line_advance * scale;
        continue;
      }
      const font_detail::GlyphBits bits = glyph_bits(code);
      for (int row = 0; row < glyph_height; ++row)
        for (int column = 0; column < glyph_width; ++column)
          if (bits[static_cast<std::size_t>(row)] & (1u << (glyph_width - 1 - column)))
            fill_rect(cursor_x + column * scale, cursor_y + row * scale, scale, scale, color);
      cursor_x += glyph_advance * scale;
    }
  }

  // `text` centred horizontally on `center_x`, its top at y.
  void text_centered(int center_x, int y, std::string_view text, Rgb color, int scale = 1) {
    this->text(center_x - text_width(text, scale) / 2, y, text, color, scale);
  }

 private:
  std::size_t offset(int x, int y) const {
    return (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x)) * 3;
  }

  int width_, height_;
  std::vector<std::uint8_t> pixels_;
};

}  // namespace ctgrad::report
