#pragma once
// A kernel path's tables from its five families (table.hpp): every family
// struct of a path offers the same static members, so one function lists
// them once for both paths.
#include <array>
#include <tuple>

#include "ctgrad/kernels/table.hpp"

#include "src/kernels/isa.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

// Each compiled activation's kernels, in the list's order.
template <class Elementwise, class... Rules>
constexpr std::array<ActivationKernels, sizeof...(Rules)> activation_tables(std::tuple<Rules...>*) {
  return {ActivationKernels{Elementwise::template activation_forward<Rules>,
                            Elementwise::template activation_backward<Rules, false>,
                            Elementwise::template activation_backward<Rules, true>,
                            Elementwise::template activation_curvature<Rules>}...};
}
template <class Elementwise>
constexpr ElementwiseTable elementwise_table() {
  return {activation_tables<Elementwise>(static_cast<activation::compiled_activations*>(nullptr)),
          Elementwise::square,
          Elementwise::add,
          Elementwise::accumulate,        Elementwise::subtract,
          Elementwise::multiply,          Elementwise::accumulate_product,
          Elementwise::scale,             Elementwise::axpy,
          Elementwise::add_constant,      Elementwise::exp_shifted,
          Elementwise::softmax_backward_row, Elementwise::sum,
          Elementwise::max,               Elementwise::dot,
          Elementwise::fill,              Elementwise::copy_block};
}
template <class Matmul>
constexpr MatmulTable matmul_table() {
  return {Matmul::matmul, Matmul::matmul_backward_a, Matmul::matmul_backward_b, Matmul::rows_matmul,
          Matmul::rows_matmul_backward_b};
}
template <class Convolution>
constexpr ConvolutionTable convolution_table() {
  return {Convolution::conv2d_forward, Convolution::conv2d_backward, Convolution::conv2d_backward_batch};
}
template <class Pooling>
constexpr PoolingTable pooling_table() {
  return {Pooling::window_sum_forward, Pooling::window_sum_backward, Pooling::max_pool_forward,
          Pooling::max_pool_backward};
}
template <class Optimizer>
constexpr OptimizerTable optimizer_table() {
  return {Optimizer::sgd_update, Optimizer::sdlm_update, Optimizer::adamw_update};
}

// A path's five tables, from its families, as constants whose addresses a
// KernelTable holds.
template <class Elementwise, class Matmul, class Convolution, class Pooling, class Optimizer>
struct PathTables {
  static constexpr ElementwiseTable elementwise = elementwise_table<Elementwise>();
  static constexpr MatmulTable matmul = matmul_table<Matmul>();
  static constexpr ConvolutionTable convolution = convolution_table<Convolution>();
  static constexpr PoolingTable pooling = pooling_table<Pooling>();
  static constexpr OptimizerTable optimizer = optimizer_table<Optimizer>();
  static constexpr KernelTable table(const char* name, const char* arch, std::size_t width) {
    return {name, arch, width, &elementwise, &matmul, &convolution, &pooling, &optimizer};
  }
};

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
