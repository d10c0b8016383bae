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

  // The SIMD path's col2im by phases (Simd::conv2d_backward): the input
  // positions split into stride x stride phases, (iy % stride, ix % stride);
  // within one, tap (a * stride + py, b * stride + px) moves its column
  // gradient by a rows and b columns, a, b <= reach. Each tap's gradient sits
  // in a frame of `reach` zeros on every side, rows frame_w apart, so a
  // phase's sum over its taps is whole-vector loads at fixed offsets.
  static constexpr std::size_t reach = (Kernel - 1) / Stride;
  static constexpr std::size_t frame_w = out_w + 2 * reach;
  static constexpr std::size_t phase_h = out_h + reach, phase_w = out_w + reach;  // positions a phase receives
  static constexpr std::size_t phase_lanes = phase_h * frame_w;
  static constexpr std::size_t max_vector_width = 16;  // AVX-512 floats; loads may run up to a vector past
  static constexpr std::size_t frame_size = [] {
    const std::size_t read_up_to = reach * frame_w + reach +
                                   (phase_lanes + max_vector_width - 1) / max_vector_width * max_vector_width;
    const std::size_t frame = (out_h + 2 * reach) * frame_w;
    return read_up_to > frame ? read_up_to : frame;
  }();
  // Scratch of the SIMD path: the patch matrix, room for its copies' overrun
  // (up to a vector less one float), then one frame per tap, whose borders
  // are zero from construction and never written.
  static constexpr std::size_t patch_overrun = max_vector_width - 1;
  static constexpr std::size_t frames_offset = columns_size + patch_overrun;
  static constexpr std::size_t scratch_size = frames_offset + taps * frame_size;

  // The inverse of the table: which (output plane, slot) pairs read input
  // plane i. Backward sums an input plane's gradient over exactly these.
  struct Reader {
    std::size_t out_plane, slot;
    // Where this pair's kernel (taps floats) starts in the weight tensor.
    constexpr std::size_t weight_offset() const { return (out_plane * FanInPlanes + slot) * Kernel * Kernel; }
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
  static constexpr std::size_t max_readers = [] {
    std::size_t most = 0;
    for (std::size_t count : readers.count) most = count > most ? count : most;
    return most;
  }();
};

}  // namespace ctgrad::kernels
