#pragma once
// The compiled kernels: one table of functions per family, one set of
// tables per kernel path. Extents are run-time arguments, so each kernel is
// compiled once, in the ctgrad library (src/kernels/), for every model and
// every shape; the register tiles inside are fixed at compile time and the
// loops around them run to the extents given (as in XNNPACK or BLIS).
//
// The ops do not call these tables directly: they call a kernel path
// (kernels.hpp), whose members take the extents as template arguments, as
// constants known where the graph is compiled, and forward them here.
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ctgrad/kernels/activations.hpp"
#include "ctgrad/kernels/geometry.hpp"

namespace ctgrad::kernels {

// One activation's kernels (kernels/activations.hpp), n elements each, from
// the saved input x and output y.
struct ActivationKernels {
  using Map = void (*)(std::size_t n, const float* x, float* y);
  using Rule = void (*)(std::size_t n, const float* x, const float* y, const float* d, float* out);
  Map forward;          // y = f(x)
  Rule backward;        // (x, y, dy, dx): dx += dy f'(x)
  Rule backward_write;  // dx = dy f'(x): dx's first writer
  Rule curvature;       // (x, y, cy, cx): cx += cy f'(x)^2
};

// Activations, the everyday arithmetic, softmax's helpers, the reductions
// sum, max and dot (n elements each), and filling and copying rows (a pad's
// border and interior).
struct ElementwiseTable {
  using Map = void (*)(std::size_t n, const float* x, float* out);
  using Combine = void (*)(std::size_t n, const float* a, const float* b, float* out);
  using Scaled = void (*)(std::size_t n, float factor, const float* x, float* out);
  using Shifted = void (*)(std::size_t n, const float* x, float value, float* out);
  using Reduce = float (*)(std::size_t n, const float* x);
  // activation::compiled_activations, in its order
  std::array<ActivationKernels, activation::compiled_count> activations;
  Map square;                   // out = x^2
  Combine add;
  Map accumulate;               // (source, target): target += source
  Combine subtract;
  Combine multiply;
  Combine accumulate_product;   // (a, b, target): target += a b
  Scaled scale;                 // out = factor x
  Scaled axpy;                  // (alpha, x, y): y += alpha x
  Shifted add_constant;         // out = x + value
  Shifted exp_shifted;          // out = e^(x - shift): softmax's numerators
  void (*softmax_backward_row)(std::size_t n, const float* y, const float* dy, float weighted, float* dx);
  Reduce sum;
  Reduce max;
  float (*dot)(std::size_t n, const float* a, const float* b);
  void (*fill)(std::size_t n, float value, float* out);  // out = value
  // to = from over a strided block (accumulate: to += from)
  void (*copy_block)(const Block& block, const float* from, float* to, bool accumulate);
};

// Row-major products C[rows, cols] = A[rows, depth] B[depth, cols], their
// vector-Jacobian products, and the same over rows gathered from a batch.
struct MatmulTable {
  // C (+)= A B
  void (*matmul)(std::size_t rows, std::size_t depth, std::size_t cols, const float* a, const float* b, float* c,
                 bool accumulate);
  // dA += dC B^T (write: =)
  void (*matmul_backward_a)(std::size_t rows, std::size_t depth, std::size_t cols, const float* dc, const float* b,
                            float* da, bool write);
  // dB += A^T dC
  void (*matmul_backward_b)(std::size_t rows, std::size_t depth, std::size_t cols, const float* a, const float* dc,
                            float* db);
  // c(r) = a(r)[0:depth] B for r < rows; B shared by all rows
  void (*rows_matmul)(std::size_t rows, std::size_t depth, std::size_t cols, Rows a, const float* b, MutableRows c);
  // dB += sum_r a(r)^T dc(r)
  void (*rows_matmul_backward_b)(std::size_t rows, std::size_t depth, std::size_t cols, Rows a, Rows dc, float* db);
};

// conv2d over a ConvPlan; scratch holds plan.scratch_size() floats, zero
// when first used (the SIMD path's frames keep zero borders).
struct ConvolutionTable {
  void (*conv2d_forward)(const ConvPlan& plan, const float* x, const float* w, float* y, float* scratch);
  // dw += dL/dw; if dx is not null, dx += dL/dx (write_dx: dx = dL/dx).
  void (*conv2d_backward)(const ConvPlan& plan, const float* x, const float* w, const float* dy, float* dw, float* dx,
                          float* scratch, bool write_dx);
  // The same for `count` examples with one weight gradient.
  void (*conv2d_backward_batch)(const ConvPlan& plan, std::size_t count, Examples x, const float* w, Examples dy,
                                float* dw, MutableExamples dx, MutableExamples scratch, bool write_dx);
};

// Non-overlapping windows: window sums (LeNet-5's subsampling) and max pooling.
struct PoolingTable {
  void (*window_sum_forward)(const PoolPlan& plan, const float* x, float* y);
  void (*window_sum_backward)(const PoolPlan& plan, const float* dy, float* dx, bool overwrite);
  void (*max_pool_forward)(const PoolPlan& plan, const float* x, float* y);
  // Each dy to the first element of its window (row by row) equal to the
  // window's maximum, as PyTorch's max_pool2d; overwrite zeroes the others.
  void (*max_pool_backward)(const PoolPlan& plan, const float* x, const float* y, const float* dy, float* dx,
                            bool overwrite);
};

// In-place parameter updates; each also resets the gradient where it says so.
struct OptimizerTable {
  void (*sgd_update)(std::size_t n, float learning_rate, float* grad, float* value);  // value -= lr grad, grad = 0
  void (*sdlm_update)(std::size_t n, float eta, float mu, const float* curvature, float* grad, float* value);
  void (*adamw_update)(std::size_t n, const AdamWConstants& constants, float* value, const float* grad,
                       float* exp_avg, float* exp_avg_sq);
};

// One kernel set's tables, and what it is: its name ("scalar", "sse2",
// "avx2", "avx512"), the instruction set xsimd compiled its kernels for
// ("avx512bw", "fma3+avx2", ...; "none" for plain loops), and the floats
// in one of its vectors (1 for plain loops).
struct KernelTable {
  const char* name;
  const char* arch;
  std::size_t width;
  const ElementwiseTable* elementwise;
  const MatmulTable* matmul;
  const ConvolutionTable* convolution;
  const PoolingTable* pooling;
  const OptimizerTable* optimizer;
};

// The kernel sets, compiled into the ctgrad library: the scalar reference,
// and the SIMD kernels once per instruction set (on x86-64: sse2, avx2 with
// FMA, avx512 with F/CD/DQ/BW/VL), chosen at run time from what the CPU has
// (src/kernels/dispatch.cpp).

// Every set the library was built with: scalar first, then the SIMD sets
// from the narrowest.
std::span<const KernelTable* const> kernel_sets();
// This CPU (and its operating system) can run the set's instructions.
bool runs_here(const KernelTable& set);
// The sets this CPU runs, in kernel_sets()'s order (what the tests and the
// benchmarks go over).
std::vector<const KernelTable*> kernel_sets_here();
// The set named `name` ("scalar", "sse2", ...; "auto" or "simd": the widest
// set this CPU runs), or a std::invalid_argument that says what `name` was,
// what was expected, and whether this build or this CPU lacks the set.
const KernelTable& kernel_set(std::string_view name);
// kernels::Selected runs this set from now on (set it before training:
// graphs running on other threads read it on every kernel call).
void select_kernels(const KernelTable& set);

namespace detail {
extern const KernelTable* const scalar_set;  // constant
extern const KernelTable* best_set;          // set once, before main
extern const KernelTable* selected_set;      // select_kernels
}  // namespace detail

inline const KernelTable& scalar_kernels() { return *detail::scalar_set; }
// The widest set this CPU runs.
inline const KernelTable& best_kernels() { return *detail::best_set; }
// What kernels::Selected runs: best_kernels() until select_kernels().
inline const KernelTable& selected_kernels() { return *detail::selected_set; }

}  // namespace ctgrad::kernels
