#pragma once
// Random draws that give the same numbers on every platform (std::
// distributions do not): initialisation, dropout masks, shifts and the
// minibatch order all draw through these from a seeded std::mt19937.
#include <concepts>
#include <cstdint>
#include <random>

namespace ctgrad {

// Uniform in [0, 1) from the top 24 bits of one mt19937 draw.
inline float uniform01(std::mt19937& rng) { return static_cast<float>(rng() >> 8) * (1.f / 16777216.f); }

// Uniform on {0, ..., count - 1}, exactly: draws at or above the largest
// multiple of count below 2^32 are rejected (rng() % count alone would favour
// small values). Rng: std::mt19937 or any generator of full 32-bit words.
template <std::uniform_random_bit_generator Rng>
std::uint32_t uniform_below(Rng& rng, std::uint32_t count) {
  static_assert(Rng::min() == 0 && Rng::max() == 0xFFFFFFFFu,
                "uniform_below: the generator must produce full 32-bit words, like std::mt19937");
  const std::uint64_t range = std::uint64_t{1} << 32;
  const std::uint64_t limit = range - range % count;
  std::uint64_t draw;
  do draw = rng();
  while (draw >= limit);
  return static_cast<std::uint32_t>(draw % count);
}

}  // namespace ctgrad
