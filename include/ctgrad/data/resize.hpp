#pragma once
// Bilinear resampling of one single-channel image, row-major: how a data
// preparation makes images of the size a model reads (`lenet1 prepare`
// makes 16x16 digits of the 28x28 ones, `lenet5 prepare --side 16` 16x16
// Fashion-MNIST images).
//
// Reproduces PyTorch's F.interpolate(mode='bilinear', align_corners=False,
// antialias=False) with an explicit output size (aten/src/ATen/native/
// UpSample.h, area_pixel_compute_source_index): along each axis
//   source = (destination + 0.5) * (source_size / destination_size) - 0.5,
// clamped below at 0; x0 = floor(source), x1 = min(x0 + 1, size - 1), and the
// two samples are blended with weights (1 - (source - x0), source - x0).
// Following it exactly lets a PyTorch script reproduce our prepared images.
// Without antialiasing a downscale samples the source rather than averaging it.
#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace ctgrad::data {

namespace resize_detail {

struct Tap {
  std::size_t first;   // x0
  std::size_t second;  // x1
  float second_weight; // source - x0; x0 gets 1 - this
};

// Coordinates in float, as PyTorch computes them for float tensors.
inline std::vector<Tap> bilinear_taps(std::size_t source_size, std::size_t destination_size) {
  std::vector<Tap> taps(destination_size);
  const float scale = static_cast<float>(source_size) / static_cast<float>(destination_size);
  for (std::size_t destination = 0; destination < destination_size; ++destination) {
    const float source = std::max((static_cast<float>(destination) + 0.5f) * scale - 0.5f, 0.0f);
    const auto first = std::min(static_cast<std::size_t>(source), source_size - 1);
    taps[destination] = {first, std::min(first + 1, source_size - 1), source - static_cast<float>(first)};
  }
  return taps;
}

}  // namespace resize_detail

inline void resize_bilinear(std::span<const float> src, std::size_t src_h, std::size_t src_w, std::span<float> dst,
                            std::size_t dst_h, std::size_t dst_w) {
  if (src.size() != src_h * src_w || dst.size() != dst_h * dst_w)
    throw std::invalid_argument("resize_bilinear: expected spans of " + std::to_string(src_h * src_w) + " and " +
                                std::to_string(dst_h * dst_w) + " floats, found " + std::to_string(src.size()) +
                                " and " + std::to_string(dst.size()));
  if (dst.empty()) return;
  if (src.empty()) throw std::invalid_argument("resize_bilinear: expected a non-empty source image, found 0 pixels");

  const std::vector<resize_detail::Tap> rows = resize_detail::bilinear_taps(src_h, dst_h);
  const std::vector<resize_detail::Tap> columns = resize_detail::bilinear_taps(src_w, dst_w);
  for (std::size_t y = 0; y < dst_h; ++y) {
    const resize_detail::Tap& row = rows[y];
    const float* top = src.data() + row.first * src_w;
    const float* bottom = src.data() + row.second * src_w;
    for (std::size_t x = 0; x < dst_w; ++x) {
      const resize_detail::Tap& column = columns[x];
      const float top_value = (1.0f - column.second_weight) * top[column.first] + column.second_weight * top[column.second];
      const float bottom_value =
          (1.0f - column.second_weight) * bottom[column.first] + column.second_weight * bottom[column.second];
      dst[y * dst_w + x] = (1.0f - row.second_weight) * top_value + row.second_weight * bottom_value;
    }
  }
}

}  // namespace ctgrad::data
