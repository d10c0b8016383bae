#pragma once
// The kernel paths by name only (kernels/kernels.hpp defines them): a
// program's training code, compiled elsewhere, is named without parsing any
// kernel.
namespace ctgrad::kernels {

struct Scalar;
struct Simd;
struct Selected;

}  // namespace ctgrad::kernels
