// The SIMD convolution kernels against the scalar reference, directly
// (tests/support/conv_check.hpp): other strides and kernels (the other
// geometries: test_kernels_convolution.cpp and
// test_kernels_convolution_strides.cpp).
#include <cstddef>

#include <catch2/catch.hpp>

#include "tests/support/conv_check.hpp"

// Stride 1, an even kernel, a 1x1 kernel, a wide fan-out, and an input the
// last stride step does not reach (14 wide, kernel 4, stride 2).
TEMPLATE_TEST_CASE_SIG("conv2d forward and backward match the scalar path: other strides and kernels", "[kernels]",
                       CTGRAD_CONV_GEOMETRY, (2, 9, 20, 2, 5, 1), (2, 14, 3, 2, 4, 2), (4, 6, 2, 4, 1, 1),
                       (1, 23, 17, 1, 5, 2), (16, 5, 120, 16, 5, 1), (6, 6, 20, 3, 5, 1), (6, 5, 20, 3, 5, 1)) {
  CTGRAD_EACH_SIMD_SET();
  ctgrad::testing::check_convolution_paths<InPlanes, In, OutPlanes, FanIn, Kernel, Stride>();
}
