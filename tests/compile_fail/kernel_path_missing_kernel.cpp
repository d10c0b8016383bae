// A new kernel path that forgets one kernel (here AdamW's update; every
// other one comes from the scalar path) is refused where the path is checked, by
// a message that names the concept; the notes after it name the family
// (OptimizerKernels) and the call that is missing.
// expect: static assertion failed: KernelPath: this kernel path lacks a kernel the ops call
#include <cstddef>

#include "ctgrad/kernels/kernels.hpp"

namespace {
// The scalar path with its AdamW update hidden: every other kernel is there.
struct PathWithoutAdamW : ctgrad::kernels::Scalar {
  static constexpr const char* name = "without-adamw";
  static void adamw_update() {}  // hides Scalar's: not callable as adamw_update(n, ...)
};
}  // namespace

static_assert(ctgrad::kernels::check_kernel_path<PathWithoutAdamW>());

int main() {}
