// The SIMD convolution kernels against the scalar reference, directly
// (tests/support/conv_check.hpp): stride-2 geometries with more readers per
// plane than one register block holds, and stride 3 (the other geometries:
// test_kernels_convolution.cpp and test_kernels_convolution_shapes.cpp).
#include <cstddef>

#include <catch2/catch.hpp>

#include "tests/support/conv_check.hpp"

// More readers per plane than one register block holds (the remainder
// call), and stride 3.
TEMPLATE_TEST_CASE_SIG("conv2d forward and backward match the scalar path: reader blocks, stride 3", "[kernels]",
                       CTGRAD_CONV_GEOMETRY, (3, 11, 4, 2, 5, 2), (3, 13, 5, 2, 5, 2), (2, 17, 3, 1, 5, 3)) {
  CTGRAD_EACH_SIMD_SET();
  ctgrad::testing::check_convolution_paths<InPlanes, In, OutPlanes, FanIn, Kernel, Stride>();
}
