#pragma once
// The two kernel paths by name only (kernels/kernels.hpp defines them): a
// program's command line picks one at run time and calls training code
// compiled elsewhere, without parsing any kernel.
namespace ctgrad::kernels {

struct Scalar;
struct Simd;

}  // namespace ctgrad::kernels
