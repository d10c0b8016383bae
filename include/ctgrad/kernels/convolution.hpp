#pragma once
// The convolution kernel family: its compile-time geometry, the scalar
// path (direct loops), and the SIMD path (im2col / im2row patch matrices
// through matmul.hpp's register-blocked products, col2im by phases).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

#include "ctgrad/kernels/elementwise.hpp"
#include "ctgrad/kernels/matmul.hpp"
#include "ctgrad/kernels/simd_support.hpp"

namespace ctgrad::kernels {

// Compile-time description of one convolution, shared by both paths:
// extents, stride, and the connection table (which input planes output plane
// o reads: LeCun 1989's H2 reads 8 of H1's 12 planes per output plane).
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
  static constexpr std::size_t plane_size = InH * InW;
  static constexpr std::size_t table(std::size_t out_plane, std::size_t slot) {
    return Table::planes[out_plane][slot];
  }
  // Where the kernel (taps floats) that output plane o applies to its slot
  // j's input plane starts in the weight tensor [out planes, slots, k, k].
  static constexpr std::size_t weight_offset(std::size_t out_plane, std::size_t slot) {
    return (out_plane * FanInPlanes + slot) * taps;
  }
  // im2col buffer: for each input plane and tap, the out_pixels inputs it meets.
  static constexpr std::size_t columns_size = InPlanes * taps * out_pixels;

  // The SIMD path's col2im by phases (SimdConvolution::conv2d_backward): the input
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
  // Sized by the most readers any plane has (OutPlanes for a full
  // connection), not by every (plane, slot) pair: C5 of LeNet-5 (16 to 120
  // planes) would otherwise be a 480 KB table evaluated at compile time in
  // every file that compiles it, and kept in each object file.
  static constexpr std::size_t max_readers = [] {
    std::array<std::size_t, InPlanes> count{};
    for (std::size_t o = 0; o < OutPlanes; ++o)
      for (std::size_t j = 0; j < FanInPlanes; ++j) ++count[Table::planes[o][j]];
    std::size_t most = 0;
    for (std::size_t c : count) most = c > most ? c : most;
    return most;
  }();
  struct Reader {
    std::size_t out_plane, slot;
    constexpr std::size_t weight_offset() const { return ConvGeometry::weight_offset(out_plane, slot); }
  };
  struct Readers {
    std::array<std::size_t, InPlanes> count{};
    std::array<std::array<Reader, max_readers>, InPlanes> of{};
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

// ---- the scalar path: direct loops ------------------------------------------------
// y[o,oy,ox] = sum_{j,ky,kx} w[o,j,ky,kx] * x[table(o,j), oy*s+ky, ox*s+kx]
struct ScalarConvolution {
  template <class Geometry>
  static void conv2d_forward(const float* x, const float* w, float* y, float* /*scratch*/) {
    constexpr std::size_t kernel = Geometry::kernel, stride = Geometry::stride, in_w = Geometry::in_w;
    for (std::size_t o = 0; o < Geometry::out_planes; ++o)
      for (std::size_t oy = 0; oy < Geometry::out_h; ++oy)
        for (std::size_t ox = 0; ox < Geometry::out_w; ++ox) {
          float sum = 0;
          for (std::size_t j = 0; j < Geometry::fan_in_planes; ++j) {
            const float* plane = x + Geometry::table(o, j) * Geometry::plane_size;
            const float* weights = w + Geometry::weight_offset(o, j);
            for (std::size_t ky = 0; ky < kernel; ++ky)
              for (std::size_t kx = 0; kx < kernel; ++kx)
                sum += weights[ky * kernel + kx] * plane[(oy * stride + ky) * in_w + ox * stride + kx];
          }
          y[(o * Geometry::out_h + oy) * Geometry::out_w + ox] = sum;
        }
  }
  // The same for `count` examples reached through accessors, one after the other.
  template <class Geometry, bool WriteDx, class X, class DY, class DX, class Scratch>
  static void conv2d_backward_batch(std::size_t count, X x, const float* w, DY dy, float* dw, DX dx,
                                    Scratch scratch) {
    for (std::size_t e = 0; e < count; ++e) conv2d_backward<Geometry, WriteDx>(x(e), w, dy(e), dw, dx(e), scratch(e));
  }
  // dw += dL/dw; if dx is not null, dx += dL/dx (WriteDx: dx = dL/dx).
  template <class Geometry, bool WriteDx = false>
  static void conv2d_backward(const float* x, const float* w, const float* dy, float* dw, float* dx,
                              float* /*scratch*/) {
    constexpr std::size_t kernel = Geometry::kernel, stride = Geometry::stride, in_w = Geometry::in_w;
    if (WriteDx && dx) std::fill(dx, dx + Geometry::in_planes * Geometry::plane_size, 0.f);
    for (std::size_t o = 0; o < Geometry::out_planes; ++o)
      for (std::size_t oy = 0; oy < Geometry::out_h; ++oy)
        for (std::size_t ox = 0; ox < Geometry::out_w; ++ox) {
          const float g = dy[(o * Geometry::out_h + oy) * Geometry::out_w + ox];
          for (std::size_t j = 0; j < Geometry::fan_in_planes; ++j) {
            const std::size_t plane_offset = Geometry::table(o, j) * Geometry::plane_size;
            const std::size_t weight_offset = Geometry::weight_offset(o, j);
            for (std::size_t ky = 0; ky < kernel; ++ky)
              for (std::size_t kx = 0; kx < kernel; ++kx) {
                const std::size_t at = plane_offset + (oy * stride + ky) * in_w + ox * stride + kx;
                dw[weight_offset + ky * kernel + kx] += g * x[at];
                if (dx) dx[at] += g * w[weight_offset + ky * kernel + kx];
              }
          }
        }
  }
};

// ---- the SIMD path ---------------------------------------------------------------
struct SimdConvolution : SimdSupport {
  // Scratch (Geometry::scratch_size floats, owned by the op): forward's im2col, then
  // backward's pixel-major copy of the same patches; after them the col2im
  // frames (ConvGeometry says why each is sized as it is).

  // columns[plane][tap][pixel]: a tap's inputs over all output pixels are
  // contiguous. Each input row is first split into its stride phases
  // (split[px][j] = row[j * stride + px]); a tap's inputs along one output
  // row are then a contiguous run of one phase: one fixed-size memcpy
  // instead of out_w strided loads.
  template <class Geometry>
  static void im2col(const float* x, float* columns) {
    constexpr std::size_t stride = Geometry::stride, phase_w = (Geometry::in_w + stride - 1) / stride;
    for (std::size_t plane = 0; plane < Geometry::in_planes; ++plane) {
      std::array<float, Geometry::in_h * stride * phase_w> split;  // [row][px][j]
      const float* input = x + plane * Geometry::plane_size;
      for (std::size_t row = 0; row < Geometry::in_h; ++row)
        for (std::size_t px = 0; px < stride; ++px)
          for (std::size_t j = 0; j < phase_w && j * stride + px < Geometry::in_w; ++j)
            split[(row * stride + px) * phase_w + j] = input[row * Geometry::in_w + j * stride + px];
      for (std::size_t ky = 0; ky < Geometry::kernel; ++ky)
        for (std::size_t kx = 0; kx < Geometry::kernel; ++kx) {
          float* column = columns + (plane * Geometry::taps + ky * Geometry::kernel + kx) * Geometry::out_pixels;
          for (std::size_t oy = 0; oy < Geometry::out_h; ++oy)
            std::memcpy(column + oy * Geometry::out_w,
                        split.data() + ((oy * stride + ky) * stride + kx % stride) * phase_w + kx / stride,
                        Geometry::out_w * sizeof(float));
        }
    }
  }
  // patches[plane][pixel][tap]: one output pixel's receptive field is
  // contiguous. A kernel row is a contiguous run of an input row, copied as
  // one vector move of `run` >= kernel floats where the input allows: the
  // extra floats land where the next run goes, which is written after them,
  // and past the last patch in the scratch's overrun room. Half the stores
  // of an exact kernel-float copy (a 5-float copy is a 4 and a 1).
  template <class Geometry>
  static void im2row(const float* x, float* patches) {
    constexpr std::size_t kernel = Geometry::kernel;
    constexpr std::size_t run = kernel <= 4 ? 4 : kernel <= 8 ? 8 : kernel <= 16 ? 16 : kernel;
    static_assert(run - kernel <= Geometry::patch_overrun, "im2row: the scratch has no room for the copies' overrun");
    const float* const x_end = x + Geometry::in_planes * Geometry::plane_size;
    for (std::size_t plane = 0; plane < Geometry::in_planes; ++plane)
      for (std::size_t oy = 0; oy < Geometry::out_h; ++oy)
        for (std::size_t ox = 0; ox < Geometry::out_w; ++ox) {
          float* patch = patches + (plane * Geometry::out_pixels + oy * Geometry::out_w + ox) * Geometry::taps;
          for (std::size_t ky = 0; ky < kernel; ++ky) {
            const float* from =
                x + (plane * Geometry::in_h + oy * Geometry::stride + ky) * Geometry::in_w + ox * Geometry::stride;
            if (x_end - from >= static_cast<std::ptrdiff_t>(run))
              std::memcpy(patch + ky * kernel, from, run * sizeof(float));
            else
              std::memcpy(patch + ky * kernel, from, kernel * sizeof(float));
          }
        }
  }

  // y[o] = sum over the planes o reads of w[o, slot] (1 x taps) times that
  // plane's columns (taps x pixels): plane by plane, for all of a plane's
  // readers at once, so each column row is loaded once per plane.
  template <class Geometry>
  static void conv2d_forward(const float* x, const float* w, float* y, float* scratch) {
    constexpr std::size_t pixels = Geometry::out_pixels, taps = Geometry::taps;
    im2col<Geometry>(x, scratch);
    std::fill(y, y + Geometry::out_planes * pixels, 0.f);
    if constexpr (pixels >= width) {
      constexpr std::size_t block = std::min(Geometry::max_readers, register_rows<pixels>);
      for (std::size_t plane = 0; plane < Geometry::in_planes; ++plane) {
        const auto& reader = Geometry::readers.of[plane];
        const float* columns = scratch + plane * taps * pixels;
        SimdMatmul::rows_times_matrix<block, pixels, true>(
            Geometry::readers.count[plane], taps,
            [&](std::size_t r, std::size_t k) { return w[reader[r].weight_offset() + k]; },
            [&](std::size_t k) { return columns + k * pixels; },
            [&](std::size_t r) { return y + reader[r].out_plane * pixels; });
      }
    } else {
      for (std::size_t o = 0; o < Geometry::out_planes; ++o)
        for (std::size_t j = 0; j < Geometry::fan_in_planes; ++j)
          SimdMatmul::row_times_matrix<taps, pixels, true>(w + Geometry::weight_offset(o, j),
                                               scratch + Geometry::table(o, j) * taps * pixels, y + o * pixels);
    }
  }

  // dw += dL/dw; if dx is not null, dx += dL/dx (WriteDx: dx = dL/dx).
  template <class Geometry, bool WriteDx = false>
  static void conv2d_backward(const float* x, const float* w, const float* dy, float* dw, float* dx, float* scratch) {
    conv2d_backward_batch<Geometry, WriteDx>(
        1, [&](std::size_t) { return x; }, w, [&](std::size_t) { return dy; }, dw, [&](std::size_t) { return dx; },
        [&](std::size_t) { return scratch; });
  }
  // The same for `count` examples, reached through accessors, with one
  // weight gradient: dw's accumulators stay in registers over every
  // example's pixels, so dw is loaded and stored once per batch, not once
  // per example. Each example's scratch holds its own patches.
  template <class Geometry, bool WriteDx, class X, class DY, class DX, class Scratch>
  static void conv2d_backward_batch(std::size_t count, X x, const float* w, DY dy, float* dw, DX dx,
                                    Scratch scratch) {
    constexpr std::size_t pixels = Geometry::out_pixels, taps = Geometry::taps;
    // Weight gradient: dw[o, slot] += dy[o] (1 x pixels) times the plane's
    // patches (pixels x taps), for all readers of a plane at once, so each
    // patch row is loaded once: multiply-adds only, no horizontal sums.
    // Over a batch, the depth runs through every example's pixels in turn.
    for (std::size_t e = 0; e < count; ++e) im2row<Geometry>(x(e), scratch(e));
    if constexpr (taps >= width) {
      constexpr std::size_t block = std::min(Geometry::max_readers, register_rows<taps>);
      for (std::size_t plane = 0; plane < Geometry::in_planes; ++plane) {
        const auto& reader = Geometry::readers.of[plane];
        SimdMatmul::rows_times_matrix<block, taps, true>(
            Geometry::readers.count[plane], count * pixels,
            [&](std::size_t r, std::size_t k) { return dy(k / pixels)[reader[r].out_plane * pixels + k % pixels]; },
            [&](std::size_t k) { return scratch(k / pixels) + (plane * pixels + k % pixels) * taps; },
            [&](std::size_t r) { return dw + reader[r].weight_offset(); });
      }
    } else {
      for (std::size_t e = 0; e < count; ++e)
        for (std::size_t o = 0; o < Geometry::out_planes; ++o)
          for (std::size_t j = 0; j < Geometry::fan_in_planes; ++j)
            SimdMatmul::row_times_matrix<pixels, taps, true>(dy(e) + o * pixels,
                                                             scratch(e) + Geometry::table(o, j) * pixels * taps,
                                                             dw + Geometry::weight_offset(o, j));
    }
    for (std::size_t e = 0; e < count; ++e)
      if (dx(e)) conv2d_input_gradient<Geometry, WriteDx>(w, dy(e), dx(e), scratch(e));
  }
  // Input gradient, one input plane at a time: its column gradients
  // (taps x pixels) = sum over exactly the outputs that read the plane (the
  // inverse connection table) of w[o, slot, tap] * dy[o], accumulated in
  // registers over the readers; then col2im.
  template <class Geometry, bool WriteDx>
  static void conv2d_input_gradient(const float* w, const float* dy, float* dx, float* scratch) {
    constexpr std::size_t pixels = Geometry::out_pixels, taps = Geometry::taps;
    for (std::size_t plane = 0; plane < Geometry::in_planes; ++plane) {
      alignas(64) std::array<float, taps * pixels> columns;
      const auto& reader = Geometry::readers.of[plane];
      const auto kernel_of = [&](std::size_t r) { return w + reader[r].weight_offset(); };
      if constexpr (pixels >= width) {
        constexpr std::size_t block = std::min(taps, register_rows<pixels>);
        SimdMatmul::rows_times_matrix<block, pixels, false>(
            taps, Geometry::readers.count[plane], [&](std::size_t t, std::size_t r) { return kernel_of(r)[t]; },
            [&](std::size_t r) { return dy + reader[r].out_plane * pixels; },
            [&](std::size_t t) { return columns.data() + t * pixels; });
      } else {
        columns.fill(0.f);
        for (std::size_t r = 0; r < Geometry::readers.count[plane]; ++r)
          for (std::size_t t = 0; t < taps; ++t)
            SimdElementwise::axpy<pixels>(kernel_of(r)[t], dy + reader[r].out_plane * pixels,
                                          columns.data() + t * pixels);
      }
      col2im_by_phases<Geometry, WriteDx>(columns.data(), scratch + Geometry::frames_offset,
                                          dx + plane * Geometry::plane_size);
    }
  }

  // dx (one input plane) += the column gradients put back where each tap
  // read. A stride-s scatter would be one scalar read-modify-write per tap
  // and pixel (the same input is hit by up to (k/s)^2 taps); instead, per
  // phase (see ConvGeometry::reach), the sum over the phase's taps of their
  // framed gradients shifted into place, as whole vectors, then one pass
  // into dx. Each position adds its taps in ascending tap order from zero,
  // as the scatter did, so into a zeroed dx the result is bit-identical.
  template <class Geometry, bool Write>
  static void col2im_by_phases(const float* columns, float* frames, float* dx) {
    static_assert(width <= Geometry::max_vector_width,
                  "ConvGeometry sizes the col2im frames for at most 16-float vectors");
    constexpr std::size_t stride = Geometry::stride, kernel = Geometry::kernel, reach = Geometry::reach,
                          frame_w = Geometry::frame_w;
    constexpr std::size_t vectors = (Geometry::phase_lanes + width - 1) / width;
    for (std::size_t t = 0; t < Geometry::taps; ++t)
      for (std::size_t oy = 0; oy < Geometry::out_h; ++oy)
        std::memcpy(frames + t * Geometry::frame_size + (oy + reach) * frame_w + reach,
                    columns + (t * Geometry::out_h + oy) * Geometry::out_w, Geometry::out_w * sizeof(float));
    // Every phase's sum, then the phases interleaved back row by row.
    constexpr std::size_t phase_size = vectors * width;
    alignas(64) std::array<float, stride * stride * phase_size> phases{};
    for (std::size_t py = 0; py < std::min(stride, kernel); ++py)
      for (std::size_t px = 0; px < std::min(stride, kernel); ++px) {
        std::array<batch, vectors> sums;
        sums.fill(batch(0.f));
        for (std::size_t ky = py, a = 0; ky < kernel; ky += stride, ++a)
          for (std::size_t kx = px, b = 0; kx < kernel; kx += stride, ++b) {
            const float* from =
                frames + (ky * kernel + kx) * Geometry::frame_size + (reach - a) * frame_w + (reach - b);
            for (std::size_t v = 0; v < vectors; ++v) sums[v] += load(from + v * width);
          }
        for (std::size_t v = 0; v < vectors; ++v)
          sums[v].store_aligned(phases.data() + (py * stride + px) * phase_size + v * width);
      }
    for (std::size_t iy = 0; iy < std::min(Geometry::in_h, Geometry::phase_h * stride); ++iy) {
      const std::size_t py = iy % stride, i = iy / stride;
      std::array<float, Geometry::phase_w * stride> row;  // dx's row iy, phases interleaved
      for (std::size_t j = 0; j < Geometry::phase_w; ++j)
        for (std::size_t px = 0; px < stride; ++px)
          row[j * stride + px] = phases[(py * stride + px) * phase_size + i * frame_w + j];
      float* target = dx + iy * Geometry::in_w;
      constexpr std::size_t reached = std::min(Geometry::in_w, row.size());
      if constexpr (Write) {
        std::copy_n(row.data(), reached, target);
        std::fill(target + reached, target + Geometry::in_w, 0.f);  // columns no tap reads
      } else {
        for (std::size_t ix = 0; ix < reached; ++ix) target[ix] += row[ix];
      }
    }
    if constexpr (Write)  // rows no tap reads
      std::fill(dx + std::min(Geometry::in_h, Geometry::phase_h * stride) * Geometry::in_w, dx + Geometry::plane_size,
                0.f);
  }
};

}  // namespace ctgrad::kernels
