#pragma once
// A digit drawn on the page, made into what the network reads: first as
// MNIST's digits were made (LeCun, Cortes and Burges, "The MNIST database":
// "normalized to fit in a 20x20 pixel box while preserving their aspect
// ratio ... anti-aliasing ... centered in a 28x28 image by computing the
// center of mass of the pixels, and translating the image so as to position
// this point at the center of the 28x28 field"), then as `lenet1 prepare`
// makes its 16x16 digits of MNIST's 28x28 ones: the same resampling code
// (ctgrad/data/resize.hpp) and the same scaling to [-1, 1].
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "lenet1/prepare.hpp"
#include <ctgrad/data/resize.hpp>

namespace lenet1::web {

inline constexpr std::size_t mnist_side = 28;
inline constexpr std::size_t mnist_box = 20;

struct Drawing {
  std::span<const float> ink;  // row-major, 0 (paper) to 1 (ink)
  std::size_t width = 0, height = 0;
};

namespace normalize_detail {

// How much of source cell [s, s + 1) lies in [begin, end).
inline float overlap(float begin, float end, std::size_t s) {
  return std::max(0.f, std::min(end, static_cast<float>(s + 1)) - std::max(begin, static_cast<float>(s)));
}

}  // namespace normalize_detail

// The drawing as a 28x28 MNIST digit, 0 to 1; false if nothing is drawn.
// The fit into the 20x20 box averages each target pixel's area of the
// drawing (the anti-aliasing); the shift that centres the mass is whole
// pixels, which keeps the strokes as sharp as the fit made them.
inline bool mnist_digit(const Drawing& drawing, std::span<float, mnist_side * mnist_side> digit) {
  std::fill(digit.begin(), digit.end(), 0.f);
  std::size_t left = drawing.width, right = 0, top = drawing.height, bottom = 0;
  for (std::size_t y = 0; y < drawing.height; ++y)
    for (std::size_t x = 0; x < drawing.width; ++x)
      if (drawing.ink[y * drawing.width + x] > 0.f) {
        left = std::min(left, x), right = std::max(right, x + 1);
        top = std::min(top, y), bottom = std::max(bottom, y + 1);
      }
  if (right <= left) return false;

  // The box's longer side becomes 20 pixels; the other keeps the ratio.
  const std::size_t box_width = right - left, box_height = bottom - top;
  const float scale = static_cast<float>(mnist_box) / static_cast<float>(std::max(box_width, box_height));
  const auto fitted_side = [&](std::size_t side) {
    return std::clamp<std::size_t>(static_cast<std::size_t>(std::lround(static_cast<float>(side) * scale)), 1,
                                   mnist_box);
  };
  const std::size_t fitted_width = fitted_side(box_width), fitted_height = fitted_side(box_height);
  const float source_per_pixel_x = static_cast<float>(box_width) / static_cast<float>(fitted_width);
  const float source_per_pixel_y = static_cast<float>(box_height) / static_cast<float>(fitted_height);

  std::vector<float> fitted(fitted_width * fitted_height, 0.f);
  for (std::size_t fy = 0; fy < fitted_height; ++fy) {
    const float y0 = static_cast<float>(fy) * source_per_pixel_y, y1 = y0 + source_per_pixel_y;
    for (std::size_t fx = 0; fx < fitted_width; ++fx) {
      const float x0 = static_cast<float>(fx) * source_per_pixel_x, x1 = x0 + source_per_pixel_x;
      float sum = 0.f;
      for (auto sy = static_cast<std::size_t>(y0); sy < box_height && static_cast<float>(sy) < y1; ++sy) {
        const float wy = normalize_detail::overlap(y0, y1, sy);
        for (auto sx = static_cast<std::size_t>(x0); sx < box_width && static_cast<float>(sx) < x1; ++sx)
          sum += wy * normalize_detail::overlap(x0, x1, sx) * drawing.ink[(top + sy) * drawing.width + left + sx];
      }
      fitted[fy * fitted_width + fx] = std::min(1.f, sum / (source_per_pixel_x * source_per_pixel_y));
    }
  }

  // The centre of mass (pixel centres at +0.5) moved to the field's centre, 14.
  double mass = 0, mass_x = 0, mass_y = 0;
  for (std::size_t fy = 0; fy < fitted_height; ++fy)
    for (std::size_t fx = 0; fx < fitted_width; ++fx) {
      const double value = fitted[fy * fitted_width + fx];
      mass += value, mass_x += value * (static_cast<double>(fx) + 0.5), mass_y += value * (static_cast<double>(fy) + 0.5);
    }
  if (mass <= 0) return false;
  const auto offset = [&](double centre, std::size_t fitted_extent) {
    const long shift = std::lround(static_cast<double>(mnist_side) / 2 - centre);
    return static_cast<std::size_t>(std::clamp<long>(shift, 0, static_cast<long>(mnist_side - fitted_extent)));
  };
  const std::size_t offset_x = offset(mass_x / mass, fitted_width), offset_y = offset(mass_y / mass, fitted_height);
  for (std::size_t fy = 0; fy < fitted_height; ++fy)
    std::copy_n(fitted.begin() + static_cast<std::ptrdiff_t>(fy * fitted_width), fitted_width,
                digit.begin() + static_cast<std::ptrdiff_t>((offset_y + fy) * mnist_side + offset_x));
  return true;
}

// A 28x28 digit (0 to 1) as `lenet1 prepare` makes its 16x16 ones
// (prepare.cpp, read_and_resample): bilinear resampling, then [-1, 1].
inline void prepared_digit(std::span<const float, mnist_side * mnist_side> digit,
                           std::span<float, image_side * image_side> prepared) {
  ctgrad::data::resize_bilinear(digit, mnist_side, mnist_side, prepared, image_side, image_side);
  for (float& pixel : prepared) pixel = pixel * 2.0f - 1.0f;
}

}  // namespace lenet1::web
