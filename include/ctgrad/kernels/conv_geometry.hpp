#pragma once
// Compile-time description of one convolution, shared by both kernel paths:
// extents, stride, and the connection table (which input planes output plane
// o reads: LeCun 1989's H2 reads 8 of H1's 12 planes per output plane).
#include <array>
#include <cstddef>

namespace ctgrad::kernels {

template <std::size_t InPlanes, std::size_t InH, std::size_t InW, std::size_t OutPlanes,
          std::size_t FanInPlanes, std::size_t Kernel, std::size_t Stride, class Table>
struct ConvGeometry {
  static constexpr std::size_t in_planes = InPlanes, in_h = InH, in_w = InW;
  static constexpr std::size_t out_planes = OutPlanes, fan_in_planes = FanInPlanes;
  static constexpr std::size_t kernel = Kernel, stride = Stride;
  static constexpr std::size_t out_h = (InH - Kernel) / Stride + 1;
  static constexpr std::size_t out_w = (InW - Kernel) / Stride + 1;
  static constexpr std::size_t taps = Kernel * Kernel;
  static constexpr std::size_t out_pixels = out_h * out_w;
  static constexpr std::size_t table(std::size_t out_plane, std::size_t slot) {
    return Table::planes[out_plane][slot];
  }
  // im2col buffer: for each input plane and tap, the out_pixels inputs it meets.
  static constexpr std::size_t columns_size = InPlanes * taps * out_pixels;

  // The inverse of the table: which (output plane, slot) pairs read input
  // plane i. Backward sums an input plane's gradient over exactly these.
  struct Reader {
    std::size_t out_plane, slot;
  };
  struct Readers {
    std::array<std::size_t, InPlanes> count{};
    std::array<std::array<Reader, OutPlanes * FanInPlanes>, InPlanes> of{};
  };
  static constexpr Readers readers = [] {
    Readers result{};
    for (std::size_t o = 0; o < OutPlanes; ++o)
      for (std::size_t j = 0; j < FanInPlanes; ++j) {
        const std::size_t plane = Table::planes[o][j];
        result.of[plane][result.count[plane]++] = Reader{o, j};
      }
    return result;
  }();
};

}  // namespace ctgrad::kernels
