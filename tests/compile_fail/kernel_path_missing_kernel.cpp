// A new kernel path that forgets one kernel (here AdamW's update: its
// optimizer family has only SGD's) is refused where the path is checked, by
// a message that names the concept; the notes after it name the family
// (OptimizerKernels) and the call that is missing.
// expect: static assertion failed: KernelPath: this kernel path lacks a kernel the ops call
#include <cstddef>

#include "ctgrad/kernels/kernels.hpp"

namespace {
struct SgdOnly {
  template <std::size_t N>
  static void sgd_update(float learning_rate, float* grad, float* value) {
    ctgrad::kernels::ScalarOptimizer::sgd_update<N>(learning_rate, grad, value);
  }
};
struct PathWithoutAdamW : ctgrad::kernels::ScalarElementwise, ctgrad::kernels::ScalarMatmul,
                          ctgrad::kernels::ScalarConvolution, ctgrad::kernels::ScalarPooling, SgdOnly {
  static constexpr const char* name = "without-adamw";
  static constexpr const char* arch() { return "none"; }
};
}  // namespace

static_assert(ctgrad::kernels::check_kernel_path<PathWithoutAdamW>());

int main() {}
