#pragma once
// What a kernel call describes beyond its pointers, as run-time values:
// the kernels are compiled once (src/kernels/), so an extent, a
// convolution's geometry or a batch's row layout reaches them as data. The
// ops know all of it at compile time and build these descriptions as
// constants (ConvGeometry::plan, PoolGeometry::plan), so a shape is still
// checked where the graph is compiled and a model file instantiates no
// kernel.
#include <array>
#include <cstddef>

namespace ctgrad::kernels {

// Rows of a matrix spread over a batch's examples: row r of the product is
// row r % group of example r / group, examples group_stride floats apart,
// rows row_stride apart within one. A single matrix is group = rows.
template <class T>
struct RowsOf {
  T* base;
  std::size_t group, group_stride, row_stride;
  // Always inlined: the kernels of every instruction set call it, and an
  // out-of-line copy compiled for AVX-512 must not serve the others.
  [[gnu::always_inline]] T* operator()(std::size_t r) const {
    // The kernels call this in their inner loops: no division where the
    // layout needs none (one row an example, or examples packed end to end).
    if (group == 1) return base + r * group_stride;
    if (group_stride == group * row_stride) return base + r * row_stride;
    return base + (r / group) * group_stride + (r % group) * row_stride;
  }
};
using Rows = RowsOf<const float>;
using MutableRows = RowsOf<float>;

// A batch of per-example buffers of one shape, `stride` floats apart
// (std::array<Tensor<S>, B>'s elements): example e starts at base + e stride.
// A null base stands for "no such buffer" (an input that wants no gradient).
template <class T>
struct ExamplesOf {
  T* base;
  std::size_t stride;
  [[gnu::always_inline]] T* operator()(std::size_t e) const { return base ? base + e * stride : nullptr; }
};
using Examples = ExamplesOf<const float>;
using MutableExamples = ExamplesOf<float>;

// A [planes, rows, cols] block of floats, read from one layout and written
// to another, each with its own strides in floats: a pad's interior within
// its padded planes, say. A structural type, so a path takes it as a
// template argument.
struct Block {
  std::size_t planes, rows, cols;
  std::size_t from_plane, from_row;  // the source's plane and row strides
  std::size_t to_plane, to_row;      // the target's
  // The same block copied back: source and target layouts swapped.
  constexpr Block back() const { return {planes, rows, cols, to_plane, to_row, from_plane, from_row}; }
  // f(source row, target row) for every row, planes in order. Always
  // inlined, as RowsOf's rows: each instruction set's kernels keep their own.
  // The extents are read once: vector stores may alias anything, so a loop
  // over this block's members would reload them every row.
  template <class F>
  [[gnu::always_inline]] void for_each_row(const float* from, float* to, F f) const {
    const Block b = *this;
    for (std::size_t p = 0; p < b.planes; ++p) {
      const float* source = from + p * b.from_plane;
      float* target = to + p * b.to_plane;
      for (std::size_t r = 0; r < b.rows; ++r, source += b.from_row, target += b.to_row) f(source, target);
    }
  }
};

// ---- convolution -------------------------------------------------------------------
// Which (output plane, slot) reads an input plane: the inverse of a
// connection table, so that backward sums an input plane's gradient over
// exactly its readers.
struct ConvReader {
  std::size_t out_plane, slot;
  std::size_t weight_offset;  // where the kernel (o, slot) applies to this plane starts in the weight
};

// One convolution: extents, stride, and the connection table (which input
// planes output plane o reads: LeCun 1989's H2 reads 8 of H1's 12 planes per
// output plane), with its inverse. Everything derived from them is a
// constexpr function, so the op sizes its scratch at compile time from the
// same formulas the kernels use at run time.
struct ConvPlan {
  std::size_t in_planes, in_h, in_w, out_planes, fan_in_planes, kernel, stride;
  const std::size_t* table;         // [out_planes][fan_in_planes]: the input plane of (o, slot)
  const std::size_t* reader_count;  // [in_planes]
  const ConvReader* readers;        // [in_planes][max_readers]
  std::size_t max_readers;

  constexpr std::size_t out_h() const { return (in_h - kernel) / stride + 1; }
  constexpr std::size_t out_w() const { return (in_w - kernel) / stride + 1; }
  constexpr std::size_t taps() const { return kernel * kernel; }
  constexpr std::size_t out_pixels() const { return out_h() * out_w(); }
  constexpr std::size_t plane_size() const { return in_h * in_w; }
  constexpr std::size_t plane_of(std::size_t out_plane, std::size_t slot) const {
    return table[out_plane * fan_in_planes + slot];
  }
  // Where the kernel (taps floats) that output plane o applies to its slot
  // j's input plane starts in the weight tensor [out planes, slots, k, k].
  constexpr std::size_t weight_offset(std::size_t out_plane, std::size_t slot) const {
    return (out_plane * fan_in_planes + slot) * taps();
  }
  constexpr const ConvReader* readers_of(std::size_t plane) const { return readers + plane * max_readers; }

  // ---- the SIMD path's scratch (SimdConvolution, src/kernels/convolution.cpp) ----
  // Loads run up to one vector past a buffer: the widest vector is AVX-512's.
  static constexpr std::size_t max_vector_width = 16;
  static constexpr std::size_t round_up(std::size_t floats) {
    return (floats + max_vector_width - 1) / max_vector_width * max_vector_width;
  }
  // col2im by phases: the input positions split into stride x stride phases,
  // (iy % stride, ix % stride); within one, tap (a * stride + py, b * stride
  // + px) moves its column gradient by a rows and b columns, a, b <= reach.
  // Each tap's gradient sits in a frame of `reach` zeros on every side, rows
  // frame_w apart, so a phase's sum over its taps is whole-vector loads at
  // fixed offsets.
  constexpr std::size_t reach() const { return (kernel - 1) / stride; }
  constexpr std::size_t frame_w() const { return out_w() + 2 * reach(); }
  constexpr std::size_t phase_h() const { return out_h() + reach(); }  // positions a phase receives
  constexpr std::size_t phase_w() const { return out_w() + reach(); }
  constexpr std::size_t phase_lanes() const { return phase_h() * frame_w(); }
  constexpr std::size_t phase_size() const { return round_up(phase_lanes()); }
  constexpr std::size_t frame_size() const {
    const std::size_t read_up_to = reach() * frame_w() + reach() + round_up(phase_lanes());
    const std::size_t frame = (out_h() + 2 * reach()) * frame_w();
    return read_up_to > frame ? read_up_to : frame;
  }
  // im2col's input rows split into their stride phases, all planes (each
  // split is then long stored before the copies read it back).
  constexpr std::size_t split_w() const { return (in_w + stride - 1) / stride; }
  // The scratch, in 16-float aligned parts: the patch matrix (im2col in
  // forward, im2row in backward) with room for its copies' overrun; two sets
  // of frames, one frame per tap, whose borders are zero from construction
  // and never written (one plane's gradients are framed while the plane
  // before is summed from the other set: a load of frames just stored in
  // smaller pieces waits for the stores to reach the cache); the split rows;
  // one plane's column gradients; the phases.
  constexpr std::size_t columns_size() const { return in_planes * taps() * out_pixels(); }
  constexpr std::size_t frames_offset() const { return round_up(columns_size() + max_vector_width - 1); }
  constexpr std::size_t frame_set_size() const { return round_up(taps() * frame_size()); }
  constexpr std::size_t split_offset() const { return frames_offset() + 2 * frame_set_size(); }
  constexpr std::size_t gradient_offset() const { return split_offset() + round_up(in_planes * in_h * stride * split_w()); }
  constexpr std::size_t phases_offset() const { return gradient_offset() + round_up(taps() * out_pixels()); }
  constexpr std::size_t scratch_size() const { return phases_offset() + stride * stride * phase_size(); }
};

// The compile-time description of one convolution that an op holds: its
// extents as constants and `plan`, the same as a ConvPlan for the kernels.
template <std::size_t InPlanes, std::size_t InH, std::size_t InW, std::size_t OutPlanes,
          std::size_t FanInPlanes, std::size_t Kernel, std::size_t Stride, class Table>
struct ConvGeometry {
  static constexpr std::size_t in_planes = InPlanes, in_h = InH, in_w = InW;
  static constexpr std::size_t out_planes = OutPlanes, fan_in_planes = FanInPlanes;
  static constexpr std::size_t kernel = Kernel, stride = Stride;

  static constexpr std::array<std::size_t, OutPlanes * FanInPlanes> table = [] {
    std::array<std::size_t, OutPlanes * FanInPlanes> flat{};
    for (std::size_t o = 0; o < OutPlanes; ++o)
      for (std::size_t j = 0; j < FanInPlanes; ++j) flat[o * FanInPlanes + j] = Table::planes[o][j];
    return flat;
  }();
  // Sized by the most readers any plane has (OutPlanes for a full
  // connection), not by every (plane, slot) pair: C5 of LeNet-5 (16 to 120
  // planes) would otherwise be a 480 KB table in every object that uses it.
  static constexpr std::size_t max_readers = [] {
    std::array<std::size_t, InPlanes> count{};
    for (std::size_t plane : table) ++count[plane];
    std::size_t most = 0;
    for (std::size_t c : count) most = c > most ? c : most;
    return most;
  }();
  struct Readers {
    std::array<std::size_t, InPlanes> count{};
    std::array<ConvReader, InPlanes * max_readers> of{};
  };
  static constexpr Readers readers = [] {
    Readers result{};
    for (std::size_t o = 0; o < OutPlanes; ++o)
      for (std::size_t j = 0; j < FanInPlanes; ++j) {
        const std::size_t plane = table[o * FanInPlanes + j];
        result.of[plane * max_readers + result.count[plane]++] = ConvReader{o, j, (o * FanInPlanes + j) * Kernel * Kernel};
      }
    return result;
  }();

  static constexpr ConvPlan plan{InPlanes, InH,          InW,  OutPlanes, FanInPlanes, Kernel, Stride, table.data(),
                                 readers.count.data(), readers.of.data(), max_readers};
  static constexpr std::size_t out_h = plan.out_h(), out_w = plan.out_w();
  static constexpr std::size_t taps = plan.taps(), out_pixels = plan.out_pixels(), plane_size = plan.plane_size();
  static constexpr std::size_t scratch_size = plan.scratch_size();
};

// ---- pooling -------------------------------------------------------------------------
// Non-overlapping window x window windows over [planes, height, width].
struct PoolPlan {
  std::size_t planes, height, width, window;
  constexpr std::size_t out_h() const { return height / window; }
  constexpr std::size_t out_w() const { return width / window; }
  constexpr std::size_t in_plane() const { return height * width; }
  constexpr std::size_t out_plane() const { return out_h() * out_w(); }
  // The first of the window's rows of output row `i` in plane `c`.
  constexpr std::size_t first_row(std::size_t c, std::size_t i) const { return c * in_plane() + i * window * width; }
  constexpr std::size_t output(std::size_t c, std::size_t i, std::size_t j) const {
    return c * out_plane() + i * out_w() + j;
  }
};

template <std::size_t Planes, std::size_t Height, std::size_t Width, std::size_t Window>
struct PoolGeometry {
  static_assert(Window >= 1 && Height % Window == 0 && Width % Window == 0,
                "PoolGeometry: the window must divide the height and the width (the ops check this first)");
  static_assert(Window <= 1024, "PoolGeometry: windows of at most 1024 columns (the kernels' row slices)");
  static constexpr PoolPlan plan{Planes, Height, Width, Window};
  static constexpr std::size_t planes = Planes, height = Height, width = Width, window = Window;
  static constexpr std::size_t out_h = plan.out_h(), out_w = plan.out_w();
  static constexpr std::size_t in_plane = plan.in_plane(), out_plane = plan.out_plane();
};

// ---- optimizers ----------------------------------------------------------------------
// The per-step constants of AdamW (optim/adamw.hpp derives them).
struct AdamWConstants {
  float decay;                  // 1 - lr * weight_decay
  float one_minus_beta1;
  float beta2;
  float one_minus_beta2;
  float step_size;              // lr / (1 - beta1^t)
  float bias_correction2_sqrt;  // sqrt(1 - beta2^t)
  float eps;
};

}  // namespace ctgrad::kernels
