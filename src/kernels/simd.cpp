// The SIMD path's kernels, for the instruction set this file is compiled for
// (xsimd's default architecture under the compiler's flags).
#include "src/kernels/convolution.hpp"
#include "src/kernels/elementwise.hpp"
#include "src/kernels/matmul.hpp"
#include "src/kernels/optimizer.hpp"
#include "src/kernels/paths.hpp"
#include "src/kernels/pooling.hpp"

namespace ctgrad::kernels {

const KernelTable simd_kernels =
    PathTables<SimdElementwise, SimdMatmul, SimdConvolution, SimdPooling, SimdOptimizer>::table("simd", xsimd::default_arch::name(), SimdSupport::width);

}  // namespace ctgrad::kernels
