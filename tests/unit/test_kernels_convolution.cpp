// The SIMD convolution kernels against the scalar reference, directly, with
// connection tables and strides that exercise every path
// (tests/support/conv_check.hpp). A third of the geometries; the others are
// in test_kernels_convolution_shapes.cpp and
// test_kernels_convolution_strides.cpp, so each file compiles quickly.
#include <cstddef>

#include <catch2/catch.hpp>

#include "tests/support/conv_check.hpp"

// Taps shorter and longer than a vector, pixel counts below, at and above
// one vector, and LeNet-1's two layers.
TEMPLATE_TEST_CASE_SIG("conv2d forward and backward match the scalar path: LeNet-1's layers, blocks", "[kernels]",
                       CTGRAD_CONV_GEOMETRY, (1, 20, 12, 1, 5, 2), (12, 12, 12, 8, 5, 2), (3, 9, 4, 3, 3, 2)) {
  CTGRAD_EACH_SIMD_SET();
  ctgrad::testing::check_convolution_paths<InPlanes, In, OutPlanes, FanIn, Kernel, Stride>();
}
