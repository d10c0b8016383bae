// A SIMD kernel set, for the instruction set this file is compiled for
// (xsimd's default architecture under the set's flags; isa.hpp).
#include "src/kernels/convolution.hpp"
#include "src/kernels/elementwise.hpp"
#include "src/kernels/matmul.hpp"
#include "src/kernels/optimizer.hpp"
#include "src/kernels/paths.hpp"
#include "src/kernels/pooling.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

extern const KernelTable kernel_set;
const KernelTable kernel_set = PathTables<SimdElementwise, SimdMatmul, SimdConvolution, SimdPooling, SimdOptimizer>::table(
    kernel_set_name, xsimd::default_arch::name(), SimdSupport::width);

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
