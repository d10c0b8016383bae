#pragma once
// What a kernel path must provide: every kernel the ops, the graph and the
// optimizers call (as K::template name<...>(...)), with the signature they
// call it with, at representative extents. One concept per kernel family,
// so a failure's notes name the family and the missing expression.
//
// Checking a path instantiates only declarations, not kernel bodies, so the
// check costs next to nothing at compile time.
#include <array>
#include <concepts>
#include <cstddef>

#include "ctgrad/kernels/activations.hpp"
#include "ctgrad/kernels/geometry.hpp"

namespace ctgrad::kernels {

namespace kernel_path_check {
// 30: ragged on every vector width, and longer than one vector on all.
inline constexpr std::size_t length = 30;
// A small sparse convolution: 3 output planes reading 2 of 3 input planes.
struct Table {
  static constexpr std::array<std::array<std::size_t, 2>, 3> planes{{{0, 1}, {1, 2}, {0, 2}}};
};
using Geometry = ConvGeometry<3, 8, 8, 3, 2, 3, 1, Table>;
using Pooling = PoolGeometry<3, 6, 10, 2>;
// A 2-plane, 3-row block of `length` floats a row, from packed rows into
// rows of 40 floats, planes 150 floats apart.
inline constexpr Block block{2, 3, length, 3 * length, length, 150, 40};
}  // namespace kernel_path_check

template <class Path>
concept ElementwiseKernels = requires(const float* x, const float* y, const float* dy, float* out, float value) {
  Path::template fill<kernel_path_check::length>(value, out);
  Path::template copy_block<kernel_path_check::block>(x, out);
  Path::template copy_block<kernel_path_check::block, true>(x, out);
  Path::template activation_forward<kernel_path_check::length>(activation::Tanh{}, x, out);
  Path::template activation_backward<kernel_path_check::length>(activation::Tanh{}, x, y, dy, out);
  Path::template activation_backward<kernel_path_check::length, true>(activation::Tanh{}, x, y, dy, out);
  Path::template activation_curvature<kernel_path_check::length>(activation::Tanh{}, x, y, dy, out);
  Path::template square<kernel_path_check::length>(x, out);
  Path::template add<kernel_path_check::length>(x, y, out);
  Path::template accumulate<kernel_path_check::length>(x, out);
  Path::template subtract<kernel_path_check::length>(x, y, out);
  Path::template multiply<kernel_path_check::length>(x, y, out);
  Path::template accumulate_product<kernel_path_check::length>(x, y, out);
  Path::template scale<kernel_path_check::length>(value, x, out);
  Path::template axpy<kernel_path_check::length>(value, x, out);
  Path::template add_constant<kernel_path_check::length>(x, value, out);
  Path::template exp_shifted<kernel_path_check::length>(x, value, out);
  Path::template softmax_backward_row<kernel_path_check::length>(y, dy, value, out);
  { Path::template sum<kernel_path_check::length>(x) } -> std::same_as<float>;
  { Path::template max<kernel_path_check::length>(x) } -> std::same_as<float>;
  { Path::template dot<kernel_path_check::length>(x, y) } -> std::same_as<float>;
};

template <class Path>
concept MatmulKernels = requires(const float* a, const float* b, const float* dc, float* out, std::size_t rows,
                                 Rows a_rows, Rows dc_rows, MutableRows c_rows) {
  Path::template matmul<3, 5, 7>(a, b, out);
  Path::template matmul<3, 5, 7, true>(a, b, out);
  Path::template matmul_backward_a<3, 5, 7>(dc, b, out);
  Path::template matmul_backward_a<3, 5, 7, true>(dc, b, out);
  Path::template matmul_backward_b<3, 5, 7>(a, dc, out);
  Path::template rows_matmul<5, kernel_path_check::length>(rows, a_rows, b, c_rows);
  Path::template rows_matmul_backward_b<5, kernel_path_check::length>(rows, a_rows, dc_rows, out);
};

template <class Path>
concept ConvolutionKernels = requires(const float* x, const float* w, const float* dy, float* y, float* dw,
                                      float* dx, float* scratch, std::size_t count, Examples x_of,
                                      Examples dy_of, MutableExamples dx_of, MutableExamples scratch_of) {
  Path::template conv2d_forward<kernel_path_check::Geometry>(x, w, y, scratch);
  Path::template conv2d_backward<kernel_path_check::Geometry>(x, w, dy, dw, dx, scratch);
  Path::template conv2d_backward<kernel_path_check::Geometry, true>(x, w, dy, dw, dx, scratch);
  Path::template conv2d_backward_batch<kernel_path_check::Geometry, false>(count, x_of, w, dy_of, dw, dx_of,
                                                                           scratch_of);
  Path::template conv2d_backward_batch<kernel_path_check::Geometry, true>(count, x_of, w, dy_of, dw, dx_of,
                                                                          scratch_of);
};

template <class Path>
concept PoolingKernels = requires(const float* x, const float* y, const float* dy, float* out) {
  Path::template window_sum_forward<kernel_path_check::Pooling>(x, out);
  Path::template window_sum_backward<kernel_path_check::Pooling>(dy, out);
  Path::template window_sum_backward<kernel_path_check::Pooling, true>(dy, out);
  Path::template max_pool_forward<kernel_path_check::Pooling>(x, out);
  Path::template max_pool_backward<kernel_path_check::Pooling>(x, y, dy, out);
  Path::template max_pool_backward<kernel_path_check::Pooling, true>(x, y, dy, out);
};

template <class Path>
concept OptimizerKernels = requires(const AdamWConstants& constants, std::size_t n, float learning_rate,
                                    const float* grad, float* grad_to_reset, float* value, float* exp_avg,
                                    float* exp_avg_sq) {
  Path::sgd_update(n, learning_rate, grad_to_reset, value);
  Path::sdlm_update(n, learning_rate, learning_rate, grad, grad_to_reset, value);
  Path::adamw_update(n, constants, value, grad, exp_avg, exp_avg_sq);
};

// A path also names itself for benchmarks and logs: name ("scalar", "simd")
// and arch(), the instruction set it was compiled for.
template <class Path>
concept KernelPath = ElementwiseKernels<Path> && MatmulKernels<Path> && ConvolutionKernels<Path> &&
                     PoolingKernels<Path> && OptimizerKernels<Path> && requires {
                       { Path::name } -> std::convertible_to<const char*>;
                       { Path::arch() } -> std::convertible_to<const char*>;
                     };

// The check a path states about itself (kernels.hpp, for Scalar and Simd):
// static_assert(check_kernel_path<MyPath>()). It is true or does not
// compile: its first error line names the concept, the notes after it the
// family and the kernel missing, and no second error follows.
template <class Path>
consteval bool check_kernel_path() {
  static_assert(KernelPath<Path>,
                "KernelPath: this kernel path lacks a kernel the ops call, or offers it with another signature "
                "(the notes below name the family and the kernel; kernels/kernel_path.hpp lists them all)");
  return true;
}

}  // namespace ctgrad::kernels
