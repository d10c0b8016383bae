#pragma once
// The kernel path a templated test case's graphs are compiled for:
// TEMPLATE_TEST_CASE(name, tags, CTGRAD_KERNEL_PATHS).
//
// It is kernels::Selected, so each graph is compiled once and runs any
// kernel set. tests/CMakeLists.txt registers a file that uses this macro as
// two CTest tests of one executable, <name>_scalar and <name>_simd, which
// tests/catch_main.cpp starts on the scalar set and on the widest SIMD set
// of the CPU (CTGRAD_TEST_KERNELS=scalar|auto): every graph test runs on
// both, for one compile.
#include <ctgrad/kernels/kernels.hpp>

#define CTGRAD_KERNEL_PATHS ::ctgrad::kernels::Selected
