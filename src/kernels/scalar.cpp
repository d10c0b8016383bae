// The reference path's kernels: plain loops over run-time extents.
#include "src/kernels/convolution.hpp"
#include "src/kernels/elementwise.hpp"
#include "src/kernels/matmul.hpp"
#include "src/kernels/optimizer.hpp"
#include "src/kernels/paths.hpp"
#include "src/kernels/pooling.hpp"

namespace ctgrad::kernels {
inline namespace CTGRAD_KERNEL_ISA {

extern const KernelTable kernel_set;
const KernelTable kernel_set =
    PathTables<ScalarElementwise, ScalarMatmul, ScalarConvolution, ScalarPooling, ScalarOptimizer>::table("scalar", "none", 1);

}  // namespace CTGRAD_KERNEL_ISA
}  // namespace ctgrad::kernels
