#pragma once
// The two kernel paths behind one interface. A graph is compiled for one of
// them (compile<kernels::Scalar>(expr) or compile<kernels::Simd>(expr)), so
// both can live in one binary and be benchmarked side by side.
#include "ctgrad/kernels/scalar.hpp"
#include "ctgrad/kernels/simd.hpp"

namespace ctgrad::kernels {
using Default = Simd;
}
