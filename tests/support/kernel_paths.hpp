#pragma once
// The kernel paths a templated test case runs on: TEMPLATE_TEST_CASE(name,
// tags, CTGRAD_KERNEL_PATHS).
//
// A test file that uses this macro is compiled twice by tests/CMakeLists.txt,
// once per path, into test_<name>_scalar and test_<name>_simd (as Eigen
// splits its large tests into parts): each path's graphs are then one
// translation unit's work, and no test file takes more than 20 s to compile
// (docs/performance.md, "Build time"). CTGRAD_TEST_PATH names the path of
// the part being compiled; a test case that is not per path goes in the
// scalar part only (CTGRAD_TEST_SCALAR_PART). Built by hand without
// CTGRAD_TEST_PATH, the file runs both paths in one executable.
#include <ctgrad/kernels/kernels.hpp>

#if defined(CTGRAD_TEST_PATH)
#define CTGRAD_KERNEL_PATHS ::ctgrad::kernels::CTGRAD_TEST_PATH
#define CTGRAD_TEST_SCALAR_PART CTGRAD_TEST_PATH_IS_SCALAR
#else
#define CTGRAD_KERNEL_PATHS ::ctgrad::kernels::Scalar, ::ctgrad::kernels::Simd
#define CTGRAD_TEST_SCALAR_PART 1
#endif
