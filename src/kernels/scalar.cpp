// The reference path's kernels: plain loops over run-time extents.
#include "src/kernels/convolution.hpp"
#include "src/kernels/elementwise.hpp"
#include "src/kernels/matmul.hpp"
#include "src/kernels/optimizer.hpp"
#include "src/kernels/paths.hpp"
#include "src/kernels/pooling.hpp"

namespace ctgrad::kernels {

const KernelTable scalar_kernels =
    PathTables<ScalarElementwise, ScalarMatmul, ScalarConvolution, ScalarPooling, ScalarOptimizer>::table("scalar", "none", 1);

}  // namespace ctgrad::kernels
