// The reference path's kernels: plain loops over run-time extents.
#include "src/kernels/convolution.hpp"
#include "src/kernels/elementwise.hpp"
#include "src/kernels/matmul.hpp"
#include "src/kernels/optimizer.hpp"
#include "src/kernels/paths.hpp"
#include "src/kernels/pooling.hpp"

namespace ctgrad::kernels {
namespace {
constexpr ElementwiseTable elementwise = elementwise_table<ScalarElementwise>();
constexpr MatmulTable matmul = matmul_table<ScalarMatmul>();
constexpr ConvolutionTable convolution = convolution_table<ScalarConvolution>();
constexpr PoolingTable pooling = pooling_table<ScalarPooling>();
constexpr OptimizerTable optimizer = optimizer_table<ScalarOptimizer>();
}  // namespace

const KernelTable scalar_kernels{"scalar", "none", 1, &elementwise, &matmul, &convolution, &pooling, &optimizer};

}  // namespace ctgrad::kernels
