#pragma once
// The convolution kernel family over a ConvPlan (geometry.hpp): the scalar
// path (direct loops) and the SIMD path (im2col / im2row patch matrices
// through matmul.hpp's register tiles, col2im by phases).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "ctgrad/kernels/geometry.hpp"
#include "src/kernels/elementwise.hpp"
#include "src/kernels/matmul.hpp"
#include "src/kernels/simd_support.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

// ---- the scalar path: direct loops ------------------------------------------------
// y[o,oy,ox] = sum_{j,ky,kx} w[o,j,ky,kx] * x[table(o,j), oy*s+ky, ox*s+kx]
struct ScalarConvolution {
  static void conv2d_forward(const ConvPlan& g, const float* x, const float* w, float* y, float* /*scratch*/) {
    const std::size_t kernel = g.kernel, stride = g.stride, in_w = g.in_w, out_h = g.out_h(), out_w = g.out_w();
    for (std::size_t o = 0; o < g.out_planes; ++o)
      for (std::size_t oy = 0; oy < out_h; ++oy)
        for (std::size_t ox = 0; ox < out_w; ++ox) {
          float sum = 0;
          for (std::size_t j = 0; j < g.fan_in_planes; ++j) {
            const float* plane = x + g.plane_of(o, j) * g.plane_size();
            const float* weights = w + g.weight_offset(o, j);
            for (std::size_t ky = 0; ky < kernel; ++ky)
              for (std::size_t kx = 0; kx < kernel; ++kx)
                sum += weights[ky * kernel + kx] * plane[(oy * stride + ky) * in_w + ox * stride + kx];
          }
          y[(o * out_h + oy) * out_w + ox] = sum;
        }
  }
  // dw += dL/dw; if dx is not null, dx += dL/dx (write_dx: dx = dL/dx).
  static void conv2d_backward(const ConvPlan& g, const float* x, const float* w, const float* dy, float* dw,
                              float* dx, float* /*scratch*/, bool write_dx) {
    const std::size_t kernel = g.kernel, stride = g.stride, in_w = g.in_w, out_h = g.out_h(), out_w = g.out_w();
    if (write_dx && dx) std::fill(dx, dx + g.in_planes * g.plane_size(), 0.f);
    for (std::size_t o = 0; o < g.out_planes; ++o)
      for (std::size_t oy = 0; oy < out_h; ++oy)
        for (std::size_t ox = 0; ox < out_w; ++ox) {
          const float gradient = dy[(o * out_h + oy) * out_w + ox];
          for (std::size_t j = 0; j < g.fan_in_planes; ++j) {
            const std::size_t plane_offset = g.plane_of(o, j) * g.plane_size();
            const std::size_t weight_offset = g.weight_offset(o, j);
            for (std::size_t ky = 0; ky < kernel; ++ky)
              for (std::size_t kx = 0; kx < kernel; ++kx) {
                const std::size_t at = plane_offset + (oy * stride + ky) * in_w + ox * stride + kx;
                dw[weight_offset + ky * kernel + kx] += gradient * x[at];
                if (dx) dx[at] += gradient * w[weight_offset + ky * kernel + kx];
              }
          }
        }
  }
  // The same for `count` examples, one after the other.
  static void conv2d_backward_batch(const ConvPlan& g, std::size_t count, Examples x, const float* w, Examples dy,
                                    float* dw, MutableExamples dx, MutableExamples scratch, bool write_dx) {
    for (std::size_t e = 0; e < count; ++e) conv2d_backward(g, x(e), w, dy(e), dw, dx(e), scratch(e), write_dx);
  }
};

// ---- the SIMD path ---------------------------------------------------------------
// f(Out, Stride) with a square output's side and the stride as compile-time
// constants where they are small (sides 1 to 16, strides 1 and 2: the copies
// of a patch row and the loops over a plane's rows then compile to a few
// moves), else as 0: read them from the plan.
template <class F>
void with_row_shape(const ConvPlan& plan, F f) {
  const std::size_t out_w = plan.out_h() == plan.out_w() ? plan.out_w() : 0, stride = plan.stride;
  const auto with_stride = [&]<std::size_t Stride>(std::integral_constant<std::size_t, Stride> s) {
    const bool specialized = [&]<std::size_t... W>(std::index_sequence<W...>) {
      return ((out_w == W + 1 ? (f(std::integral_constant<std::size_t, W + 1>{}, s), true) : false) || ...);
    }(std::make_index_sequence<16>{});
    if (!specialized) f(std::integral_constant<std::size_t, 0>{}, s);
  };
  if (stride == 1)
    with_stride(std::integral_constant<std::size_t, 1>{});
  else if (stride == 2)
    with_stride(std::integral_constant<std::size_t, 2>{});
  else
    with_stride(std::integral_constant<std::size_t, 0>{});
}

// Scratch (plan.scratch_size() floats, owned by the op; ConvPlan says why each
// part is sized as it is): forward's im2col, then backward's pixel-major copy
// of the same patches; the col2im frames; im2col's split rows; one plane's
// column gradients; the phases; one row of dx.
struct SimdConvolution : SimdSupport {
  // columns[plane][tap][pixel]: a tap's inputs over all output pixels are
  // contiguous. Each input row is first split into its stride phases
  // (split[px][j] = row[j * stride + px]); a tap's inputs along one output
  // row are then a contiguous run of one phase: one copy instead of out_w
  // strided loads.
  static void im2col(const ConvPlan& g, const float* x, float* columns, float* split);
  // patches[plane][pixel][tap]: one output pixel's receptive field is
  // contiguous. A kernel row is a contiguous run of an input row, copied as
  // one move of `run` >= kernel floats where the input allows: the extra
  // floats land where the next run goes, which is written after them, and
  // past the last patch in the scratch's overrun room. Half the stores of an
  // exact kernel-float copy (a 5-float copy is a 4 and a 1).
  // Out, Stride (a square output's side and the stride, as with_row_shape
  // gives them) and Kernel (2 to 7) as constants, or 0: read from the plan.
  template <std::size_t Out, std::size_t Stride, std::size_t Kernel>
  [[gnu::noinline]] static void im2row_runs(const ConvPlan& plan, const float* x, float* patches) {
    const std::size_t kernel = Kernel ? Kernel : plan.kernel, taps = kernel * kernel;
    const std::size_t out_w = Out ? Out : plan.out_w(), out_h = Out ? Out : plan.out_h(), pixels = out_w * out_h;
    const std::size_t stride = Stride ? Stride : plan.stride, in_planes = plan.in_planes, in_h = plan.in_h;
    const std::size_t in_w = plan.in_w;
    constexpr std::size_t Run = Kernel == 0 ? 0 : Kernel <= 4 ? 4 : 8;
    const float* const x_end = x + in_planes * in_h * in_w;
    for (std::size_t plane = 0; plane < in_planes; ++plane)
      for (std::size_t oy = 0; oy < out_h; ++oy) {
        const float* row = x + (plane * in_h + oy * stride) * in_w;
        float* patch = patches + (plane * pixels + oy * out_w) * taps;
        // Whole runs for the row's every copy unless its last would read past x.
        const float* last = row + (kernel - 1) * in_w + (out_w - 1) * stride;
        if (Run > 0 && x_end - last >= static_cast<std::ptrdiff_t>(Run)) {
          for (std::size_t ox = 0; ox < out_w; ++ox, patch += taps)
#pragma GCC unroll 8
            for (std::size_t ky = 0; ky < kernel; ++ky)
              std::memcpy(patch + ky * kernel, row + ky * in_w + ox * stride, Run * sizeof(float));
        } else {
          for (std::size_t ox = 0; ox < out_w; ++ox, patch += taps)
            for (std::size_t ky = 0; ky < kernel; ++ky) {
              const float* from = row + ky * in_w + ox * stride;
              if (Run > 0 && x_end - from >= static_cast<std::ptrdiff_t>(Run))
                std::memcpy(patch + ky * kernel, from, Run * sizeof(float));
              else
                copy_floats(patch + ky * kernel, from, kernel);
            }
        }
      }
  }
  static void im2row(const ConvPlan& g, const float* x, float* patches);

  // y[o] = sum over the planes o reads of w[o, slot] (1 x taps) times that
  // plane's columns (taps x pixels): plane by plane, for all of a plane's
  // readers at once, so each column row is loaded once per plane.
  static void conv2d_forward(const ConvPlan& g, const float* x, const float* w, float* y, float* scratch);

  // dw += dL/dw; if dx is not null, dx += dL/dx (write_dx: dx = dL/dx).
  static void conv2d_backward(const ConvPlan& g, const float* x, const float* w, const float* dy, float* dw,
                              float* dx, float* scratch, bool write_dx) {
    conv2d_backward_batch(g, 1, Examples{x, 0}, w, Examples{dy, 0}, dw, MutableExamples{dx, 0},
                          MutableExamples{scratch, 0}, write_dx);
  }
  // The same for `count` examples with one weight gradient: dw's
  // accumulators stay in registers over every example's pixels, so dw is
  // loaded and stored once per batch, not once per example. Each example's
  // scratch holds its own patches.
  static void conv2d_backward_batch(const ConvPlan& g, std::size_t count, Examples x, const float* w, Examples dy,
                                    float* dw, MutableExamples dx, MutableExamples scratch, bool write_dx);
  // Input gradient, one input plane at a time: its column gradients
  // (taps x pixels) = sum over exactly the outputs that read the plane (the
  // inverse connection table) of w[o, slot, tap] * dy[o], accumulated in
  // registers over the readers; then col2im.
  static void conv2d_input_gradient(const ConvPlan& g, const float* w, const float* dy, float* dx, float* scratch,
                                    bool write);

  // Outputs of fewer pixels than a vector (LeNet-5's C5: 1x1 from 5x5), where
  // a product per (output plane, slot) would be a loop of single-float
  // multiply-adds. Instead a vector spans `width` output planes (forward; the
  // weights gathered across them) or `width` taps (input gradient; a
  // kernel's taps are contiguous), one pixel at a time. Each element still
  // adds its terms in the same order, one fused multiply-add each, from zero:
  // (slot, tap) for an output, reader for a column gradient. The last
  // vector overlaps the one before when the count is ragged; both hold the
  // same values where they meet. Need out_planes >= width and taps >= width.
  static void forward_across_planes(const ConvPlan& g, const float* columns, const float* w, float* y);
  static void columns_across_taps(const ConvPlan& g, std::size_t plane, const float* w, const float* dy,
                                  float* columns);

  // dx (one input plane) += the column gradients put back where each tap
  // read. A stride-s scatter would be one scalar read-modify-write per tap
  // and pixel (the same input is hit by up to (k/s)^2 taps); instead, per
  // phase (see ConvPlan::reach), the sum over the phase's taps of their
  // framed gradients shifted into place, as whole vectors, then one pass
  // into dx. Each position adds its taps in ascending tap order from zero,
  // as the scatter did, so into a zeroed dx the result is bit-identical.
  // Two stages, so that a plane's frames are summed a plane later (see
  // ConvPlan's scratch): if `dx`, the frames `framed` are summed into it;
  // then, if `columns`, they are framed into `to_frame`.
  static void col2im_by_phases(const ConvPlan& g, const float* columns, float* to_frame, const float* framed,
                               float* phases, float* dx, bool write);
  template <std::size_t OutW, std::size_t Stride>  // 0: read it from the plan; a function of its own (see im2col_shaped)
  [[gnu::noinline]] static void col2im_shaped(const ConvPlan& g, const float* columns, float* to_frame,
                                              const float* framed, float* phases, float* dx, bool write);
};

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
