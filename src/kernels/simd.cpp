// The SIMD path's kernels, for the instruction set this file is compiled for
// (xsimd's default architecture under the compiler's flags).
#include "src/kernels/convolution.hpp"
#include "src/kernels/elementwise.hpp"
#include "src/kernels/matmul.hpp"
#include "src/kernels/optimizer.hpp"
#include "src/kernels/paths.hpp"
#include "src/kernels/pooling.hpp"

namespace ctgrad::kernels {
namespace {
constexpr ElementwiseTable elementwise = elementwise_table<SimdElementwise>();
constexpr MatmulTable matmul = matmul_table<SimdMatmul>();
constexpr ConvolutionTable convolution = convolution_table<SimdConvolution>();
constexpr PoolingTable pooling = pooling_table<SimdPooling>();
constexpr OptimizerTable optimizer = optimizer_table<SimdOptimizer>();
}  // namespace

const KernelTable simd_kernels{"simd", xsimd::default_arch::name(), SimdSupport::width, &elementwise, &matmul, &convolution, &pooling,
                               &optimizer};

}  // namespace ctgrad::kernels
