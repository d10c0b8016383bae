// A new kernel path that forgets one kernel (here AdamW's update: its
// optimizer family has only SGD's) is refused where the path is checked, by
// a message that names the concept; the notes after it name the family
// (OptimizerKernels) and the call that is missing.
// expect: static assertion failed: KernelPath: this kernel path lacks a kernel the ops call
#include <cstddef>

#include "ctgrad/kernels/kernels.hpp"

namespace {
// A path whose optimizer family forgot AdamW: every other kernel from the
// scalar path, SGD's update of its own.
struct PathWithoutAdamW {
  static constexpr const char* name = "without-adamw";
  static const char* arch() { return "none"; }
  template <std::size_t N>
  static void sgd_update(float learning_rate, float* grad, float* value) {
    ctgrad::kernels::Scalar::sgd_update<N>(learning_rate, grad, value);
  }
};
}  // namespace

static_assert(ctgrad::kernels::check_kernel_path<PathWithoutAdamW>());

int main() {}
