#pragma once
// The kernel set a file is compiled for. CMake compiles the kernel files once
// per instruction set (ctgrad_kernel_set in the top CMakeLists.txt: sse2,
// avx2, avx512 on x86-64, with that set's flags) and once for the scalar
// reference, and passes the set's name as CTGRAD_KERNEL_ISA. It names an
// inline namespace around all kernel code, so the same kernel compiled for
// two sets is two functions with two names: the linker can never keep an
// AVX-512 copy of a helper for the SSE2 set's callers. dispatch.cpp picks
// the set at run time.
#ifndef CTGRAD_KERNEL_ISA
#error "src/kernels/ files are compiled by CMake's ctgrad_kernel_set, which defines CTGRAD_KERNEL_ISA"
#endif

#define CTGRAD_KERNEL_ISA_STRING(isa) #isa
#define CTGRAD_KERNEL_ISA_NAME(isa) CTGRAD_KERNEL_ISA_STRING(isa)

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {
// "sse2", "avx2", "avx512", "scalar": what --kernels calls this set.
inline constexpr const char* kernel_set_name = CTGRAD_KERNEL_ISA_NAME(CTGRAD_KERNEL_ISA);
}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
