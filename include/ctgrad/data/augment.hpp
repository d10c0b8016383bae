#pragma once
// Data augmentation for training: shifting an image by up to one pixel (or
// `max_shift` pixels) with wrap-around, as the lecun1989-repro modern.py does
// with torch.roll. The draws come from the trainer's seeded mt19937 and use
// no std:: distribution, so a seed gives the same shifts on every platform.
// No heap.
#include <cstddef>
#include <concepts>
#include <cstdint>
#include <random>
#include <span>

#include "ctgrad/core/random.hpp"
#include "ctgrad/core/tensor.hpp"

namespace ctgrad::data {

// Rows move down by dy, columns right by dx.
struct Shift {
  int dy = 0;
  int dx = 0;
  bool operator==(const Shift&) const = default;
};

// dx, then dy (modern.py's order), each uniform on {-1, 0, +1}, or on
// {-max_shift, ..., max_shift}: one draw each, so max_shift 1 is modern.py's.
inline Shift draw_shift(std::mt19937& rng, int max_shift = 1) {
  const auto choices = static_cast<std::uint32_t>(2 * max_shift + 1);
  const int dx = static_cast<int>(uniform_below(rng, choices)) - max_shift;
  const int dy = static_cast<int>(uniform_below(rng, choices)) - max_shift;
  return {dy, dx};
}

// torch.roll over the two spatial axes of a [planes, height, width] image (or
// one [height, width] plane): destination[c, y, x] = source[c, y - dy, x - dx],
// indices modulo the extents. source and destination must not overlap.
template <class S>
void roll(std::span<const float, S::size> source, std::span<float, S::size> destination, Shift shift) {
  static_assert(S::rank == 2 || S::rank == 3, "roll: expects a [planes, height, width] or [height, width] image");
  constexpr std::size_t height = S::dims[S::rank - 2], width = S::dims[S::rank - 1];
  constexpr std::size_t planes = S::size / (height * width);
  const auto wrap = [](int offset, std::size_t extent) {  // offset mod extent, in [0, extent)
    const auto n = static_cast<long>(extent);
    return static_cast<std::size_t>((offset % n + n) % n);
  };
  const std::size_t dy = wrap(shift.dy, height), dx = wrap(shift.dx, width);
  for (std::size_t plane = 0; plane < planes; ++plane)
    for (std::size_t y = 0; y < height; ++y) {
      const float* from = source.data() + (plane * height + (y + height - dy) % height) * width;
      float* to = destination.data() + (plane * height + y) * width;
      for (std::size_t x = 0; x < width; ++x) to[x] = from[(x + width - dx) % width];
    }
}

template <class S>
Tensor<S> roll(const Tensor<S>& image, Shift shift) {
  Tensor<S> rolled;
  roll<S>(image.span(), rolled.span(), shift);
  return rolled;
}

// The image rolled by draw_shift(rng, max_shift).
template <class S>
Tensor<S> random_shift(const Tensor<S>& image, std::mt19937& rng, int max_shift = 1) {
  return roll(image, draw_shift(rng, max_shift));
}
// The same into a destination (e.g. a graph's input); returns the shift drawn.
template <class S>
Shift random_shift(std::span<const float, S::size> source, std::span<float, S::size> destination, std::mt19937& rng,
                   int max_shift = 1) {
  const Shift shift = draw_shift(rng, max_shift);
  roll<S>(source, destination, shift);
  return shift;
}

}  // namespace ctgrad::data
