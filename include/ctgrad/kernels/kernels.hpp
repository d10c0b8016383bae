#pragma once
// The kernel paths the ops are compiled against. A graph is compiled for one
// of them: kernels::Selected (the default) runs whichever kernel set was
// selected at run time; kernels::Scalar and kernels::Simd are fixed to the
// reference and to the widest SIMD set this CPU runs, so both can live in
// one binary and be compared side by side.
//
// A path is a thin layer: the ops call K::template square<N>(x, y)
// with their extents as template arguments, and the path forwards them as
// run-time values to the kernels compiled once in the ctgrad library
// (table.hpp; the implementations, by family with both paths side by side,
// in src/kernels/). A model file therefore instantiates no kernel body,
// only these one-line calls.
#include <cstddef>

#include "ctgrad/kernels/geometry.hpp"
#include "ctgrad/kernels/kernel_path.hpp"
#include "ctgrad/kernels/table.hpp"

namespace ctgrad::kernels {

// The members every path has, over Self::table().
template <class Self>
struct CompiledPath {
  static const char* set() { return Self::table().name; }  // "scalar", "avx2", ...
  static const char* arch() { return Self::table().arch; }
  static std::size_t width() { return Self::table().width; }

  // ---- elementwise ----
  // An activation (kernels/activations.hpp): the library's compiled kernels
  // for the rules it compiles; any other rule (a user's, one with run-time
  // data such as a slope) in a plain loop over its scalar form, here.
  template <std::size_t N, class Rule>
  static void activation_forward(const Rule& rule, const float* x, float* y) {
    if constexpr (activation::is_compiled<Rule>)
      e().activations[activation::compiled_index<Rule>].forward(N, x, y);
    else
      activation::forward_loop(rule, N, x, y);
  }
  template <std::size_t N, bool Write = false, class Rule>  // dx += dy f'(x) (Write: =)
  static void activation_backward(const Rule& rule, const float* x, const float* y, const float* dy, float* dx) {
    if constexpr (activation::is_compiled<Rule>) {
      const ActivationKernels& k = e().activations[activation::compiled_index<Rule>];
      (Write ? k.backward_write : k.backward)(N, x, y, dy, dx);
    } else {
      activation::backward_loop<Write>(rule, N, x, y, dy, dx);
    }
  }
  template <std::size_t N, class Rule>  // cx += cy f'(x)^2
  static void activation_curvature(const Rule& rule, const float* x, const float* y, const float* cy, float* cx) {
    if constexpr (activation::is_compiled<Rule>) {
      e().activations[activation::compiled_index<Rule>].curvature(N, x, y, cy, cx);
    } else {
      activation::curvature_loop(rule, N, x, y, cy, cx);
    }
  }
  template <std::size_t N>
  static void square(const float* x, float* out) { e().square(N, x, out); }
  template <std::size_t N>
  static void add(const float* a, const float* b, float* out) { e().add(N, a, b, out); }
  template <std::size_t N>
  static void fill(float value, float* out) { e().fill(N, value, out); }
  // to = from over the strided block B (Accumulate: to += from)
  template <Block B, bool Accumulate = false>
  static void copy_block(const float* from, float* to) { e().copy_block(B, from, to, Accumulate); }
  template <std::size_t N>
  static void accumulate(const float* source, float* target) { e().accumulate(N, source, target); }
  template <std::size_t N>
  static void subtract(const float* a, const float* b, float* out) { e().subtract(N, a, b, out); }
  template <std::size_t N>
  static void multiply(const float* a, const float* b, float* out) { e().multiply(N, a, b, out); }
  template <std::size_t N>
  static void accumulate_product(const float* a, const float* b, float* target) {
    e().accumulate_product(N, a, b, target);
  }
  template <std::size_t N>
  static void scale(float factor, const float* x, float* out) { e().scale(N, factor, x, out); }
  template <std::size_t N>
  static void axpy(float alpha, const float* x, float* y) { e().axpy(N, alpha, x, y); }
  template <std::size_t N>
  static void add_constant(const float* x, float value, float* out) { e().add_constant(N, x, value, out); }
  template <std::size_t N>
  static void exp_shifted(const float* x, float shift, float* y) { e().exp_shifted(N, x, shift, y); }
  template <std::size_t N>
  static void softmax_backward_row(const float* y, const float* dy, float weighted, float* dx) {
    e().softmax_backward_row(N, y, dy, weighted, dx);
  }
  template <std::size_t N>
  static float sum(const float* x) { return e().sum(N, x); }
  template <std::size_t N>
  static float max(const float* x) { return e().max(N, x); }
  template <std::size_t N>
  static float dot(const float* a, const float* b) { return e().dot(N, a, b); }

  // ---- matmul ----
  template <std::size_t Rows, std::size_t Depth, std::size_t Cols, bool Accumulate = false>  // C (+)= A B
  static void matmul(const float* a, const float* b, float* c) {
    m().matmul(Rows, Depth, Cols, a, b, c, Accumulate);
  }
  template <std::size_t Rows, std::size_t Depth, std::size_t Cols, bool Write = false>  // dA += dC B^T (Write: =)
  static void matmul_backward_a(const float* dc, const float* b, float* da) {
    m().matmul_backward_a(Rows, Depth, Cols, dc, b, da, Write);
  }
  template <std::size_t Rows, std::size_t Depth, std::size_t Cols>  // dB += A^T dC
  static void matmul_backward_b(const float* a, const float* dc, float* db) {
    m().matmul_backward_b(Rows, Depth, Cols, a, dc, db);
  }
  template <std::size_t Depth, std::size_t Cols>  // c(r) = a(r)[0:Depth] B, r < rows
  static void rows_matmul(std::size_t rows, Rows a, const float* b, MutableRows c) {
    m().rows_matmul(rows, Depth, Cols, a, b, c);
  }
  template <std::size_t Depth, std::size_t Cols>  // dB += sum_r a(r)^T dc(r)
  static void rows_matmul_backward_b(std::size_t rows, Rows a, Rows dc, float* db) {
    m().rows_matmul_backward_b(rows, Depth, Cols, a, dc, db);
  }

  // ---- convolution (Geometry: a ConvGeometry) ----
  template <class Geometry>
  static void conv2d_forward(const float* x, const float* w, float* y, float* scratch) {
    Self::table().convolution->conv2d_forward(Geometry::plan, x, w, y, scratch);
  }
  template <class Geometry, bool WriteDx = false>  // dw += dL/dw; dx (if not null) += dL/dx (WriteDx: =)
  static void conv2d_backward(const float* x, const float* w, const float* dy, float* dw, float* dx, float* scratch) {
    Self::table().convolution->conv2d_backward(Geometry::plan, x, w, dy, dw, dx, scratch, WriteDx);
  }
  template <class Geometry, bool WriteDx>
  static void conv2d_backward_batch(std::size_t count, Examples x, const float* w, Examples dy, float* dw,
                                    MutableExamples dx, MutableExamples scratch) {
    Self::table().convolution->conv2d_backward_batch(Geometry::plan, count, x, w, dy, dw, dx, scratch, WriteDx);
  }

  // ---- pooling (G: a PoolGeometry) ----
  template <class G>
  static void window_sum_forward(const float* x, float* y) { p().window_sum_forward(G::plan, x, y); }
  template <class G, bool Overwrite = false>
  static void window_sum_backward(const float* dy, float* dx) { p().window_sum_backward(G::plan, dy, dx, Overwrite); }
  template <class G>
  static void max_pool_forward(const float* x, float* y) { p().max_pool_forward(G::plan, x, y); }
  template <class G, bool Overwrite = false>
  static void max_pool_backward(const float* x, const float* y, const float* dy, float* dx) {
    p().max_pool_backward(G::plan, x, y, dy, dx, Overwrite);
  }

  // ---- optimizers (n floats: a whole parameter, whatever its shape) ----
  static void sgd_update(std::size_t n, float learning_rate, float* grad, float* value) {
    o().sgd_update(n, learning_rate, grad, value);
  }
  // SDLM: value -= eta / (mu + curvature) grad, grad = 0
  static void sdlm_update(std::size_t n, float eta, float mu, const float* curvature, float* grad, float* value) {
    o().sdlm_update(n, eta, mu, curvature, grad, value);
  }
  // AdamW, in place
  static void adamw_update(std::size_t n, const AdamWConstants& c, float* value, const float* grad, float* exp_avg,
                           float* exp_avg_sq) {
    o().adamw_update(n, c, value, grad, exp_avg, exp_avg_sq);
  }

 private:
  static const ElementwiseTable& e() { return *Self::table().elementwise; }
  static const MatmulTable& m() { return *Self::table().matmul; }
  static const PoolingTable& p() { return *Self::table().pooling; }
  static const OptimizerTable& o() { return *Self::table().optimizer; }
};

// The reference path: plain loops, built with the same compiler as the SIMD
// sets and for the baseline instruction set. It is what the SIMD sets are
// checked and benchmarked against, so it stays obvious rather than clever.
struct Scalar : CompiledPath<Scalar> {
  static constexpr const char* name = "scalar";
  static const KernelTable& table() { return scalar_kernels(); }
};

// The SIMD kernels, written once against xsimd::batch<float> and compiled
// for each instruction set; this path runs the widest set this CPU runs.
// arch() names it ("avx512bw", "fma3+avx2", "sse2", ...).
struct Simd : CompiledPath<Simd> {
  static constexpr const char* name = "simd";
  static const KernelTable& table() { return best_kernels(); }
};

// The set chosen at run time (select_kernels; a program's --kernels):
// one compiled graph runs any set, the scalar reference included.
struct Selected : CompiledPath<Selected> {
  static constexpr const char* name = "selected";
  static const KernelTable& table() { return selected_kernels(); }
};

static_assert(check_kernel_path<Scalar>());
static_assert(check_kernel_path<Simd>());
static_assert(check_kernel_path<Selected>());

using Default = Selected;

}  // namespace ctgrad::kernels
