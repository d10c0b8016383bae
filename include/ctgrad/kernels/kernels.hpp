#pragma once
// The two kernel paths behind one interface. A graph is compiled for one of
// them (compile<kernels::Scalar>(expr) or compile<kernels::Simd>(expr)), so
// both can live in one binary and be benchmarked side by side.
//
// The kernels live by family, each family's two paths side by side in one
// file, each elementwise rule written once as an element function that the
// scalar loop and the SIMD tail both call:
//   elementwise.hpp   activations, add/multiply/scale/axpy/..., softmax's
//                     helpers, sum/max/dot      (ScalarElementwise, SimdElementwise)
//   matmul.hpp        products and their gradients, whole and over batch rows
//                                               (ScalarMatmul, SimdMatmul)
//   convolution.hpp   ConvGeometry, conv2d forward and backward
//                                               (ScalarConvolution, SimdConvolution)
//   pooling.hpp       PoolGeometry, window sums and max pooling
//                                               (ScalarPooling, SimdPooling)
//   optimizer.hpp     SGD and AdamW updates     (ScalarOptimizer, SimdOptimizer)
//   simd_support.hpp  the vector type, loads, the elementwise applier, register blocking
// A path is its five families joined by inheritance: the ops call
// K::template relu_forward<N>(...) and find it in whichever family declares
// it. Every kernel name belongs to exactly one family, so no lookup is
// ambiguous. kernel_path.hpp states what a path must provide (the concept
// KernelPath), and both paths are checked against it below.
#include "ctgrad/kernels/convolution.hpp"
#include "ctgrad/kernels/elementwise.hpp"
#include "ctgrad/kernels/kernel_path.hpp"
#include "ctgrad/kernels/matmul.hpp"
#include "ctgrad/kernels/optimizer.hpp"
#include "ctgrad/kernels/pooling.hpp"

namespace ctgrad::kernels {

// The reference path: plain loops over compile-time extents, built with the
// same compiler and flags as the SIMD path. It is what the SIMD path is
// checked and benchmarked against, so it stays obvious rather than clever.
struct Scalar : ScalarElementwise, ScalarMatmul, ScalarConvolution, ScalarPooling, ScalarOptimizer {
  static constexpr const char* name = "scalar";
  static constexpr const char* arch() { return "none"; }  // plain loops (Simd::arch names its instruction set)
};

// The SIMD path, written once against xsimd::batch<float>.
struct Simd : SimdElementwise, SimdMatmul, SimdConvolution, SimdPooling, SimdOptimizer {
  static constexpr const char* name = "simd";
  // The instruction set xsimd compiled for ("avx512bw", "avx2", "sse2", ...):
  // a consumer built without -march (or ctgrad::native) gets sse2 on x86-64.
  static constexpr const char* arch() { return xsimd::default_arch::name(); }
};

static_assert(check_kernel_path<Scalar>());
static_assert(check_kernel_path<Simd>());

using Default = Simd;

}  // namespace ctgrad::kernels
