// Which kernel set runs: the sets this library was built with (CMake's
// ctgrad_kernel_set writes their list into kernel_sets.hpp), whether this
// CPU runs each, and the one kernels::Selected calls. Compiled for the
// baseline instruction set, like everything outside the sets themselves, so
// it runs on any x86-64 CPU and tells it what it lacks.
#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ctgrad/kernels/table.hpp"
#include "kernel_sets.hpp"  // CTGRAD_FOR_EACH_KERNEL_SET, generated

namespace ctgrad::kernels {

#define CTGRAD_DECLARE_KERNEL_SET(set) \
  namespace set {                      \
  extern const KernelTable kernel_set; \
  }
CTGRAD_DECLARE_KERNEL_SET(scalar)
CTGRAD_FOR_EACH_KERNEL_SET(CTGRAD_DECLARE_KERNEL_SET)
#undef CTGRAD_DECLARE_KERNEL_SET

namespace {

#define CTGRAD_KERNEL_SET_ADDRESS(set) &set::kernel_set,
constinit const std::array all_sets{&scalar::kernel_set, CTGRAD_FOR_EACH_KERNEL_SET(CTGRAD_KERNEL_SET_ADDRESS)};
#undef CTGRAD_KERNEL_SET_ADDRESS

// What each x86-64 set needs beyond the baseline: exactly the instruction
// sets its files are compiled with (the top CMakeLists.txt). The compilers'
// checks include the operating system's support for the wider registers.
bool cpu_runs([[maybe_unused]] std::string_view set) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (set == "avx2") return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (set == "avx512")
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
#endif
  // Scalar, sse2 (x86-64's baseline), and a non-x86 build's one SIMD set:
  // NEON on aarch64, or WebAssembly's SIMD (web/), which needs no asking, as
  // an engine without it refuses the whole module before anything runs.
  return true;
}

std::string names_of(std::span<const KernelTable* const> sets) {
  std::string names;
  for (const KernelTable* set : sets) names += (names.empty() ? "" : ", ") + std::string(set->name);
  return names;
}

}  // namespace

// Scalar until this file's initialization has asked the CPU, so a graph run
// from another file's static initializer computes the right numbers too.
namespace detail {
constinit const KernelTable* const scalar_set = &scalar::kernel_set;
constinit const KernelTable* best_set = &scalar::kernel_set;
constinit const KernelTable* selected_set = &scalar::kernel_set;
}  // namespace detail

namespace {
[[maybe_unused]] const bool asked_the_cpu = (detail::best_set = detail::selected_set = kernel_sets_here().back(), true);
}  // namespace

std::span<const KernelTable* const> kernel_sets() { return all_sets; }

bool runs_here(const KernelTable& set) { return cpu_runs(set.name); }

std::vector<const KernelTable*> kernel_sets_here() {
  std::vector<const KernelTable*> sets;
  for (const KernelTable* set : all_sets)
    if (runs_here(*set)) sets.push_back(set);
  return sets;
}

const KernelTable& kernel_set(std::string_view name) {
  if (name == "auto" || name == "simd") return best_kernels();
  const auto found =
      std::find_if(all_sets.begin(), all_sets.end(), [&](const KernelTable* set) { return name == set->name; });
  if (found == all_sets.end()) {
    const bool known = name == "sse2" || name == "avx2" || name == "avx512";
    throw std::invalid_argument((known ? "kernel set '" + std::string(name) + "' is not in this build of the library "
                                         "(CMake's CTGRAD_KERNEL_SETS): expected auto, "
                                       : "unknown kernel set '" + std::string(name) + "': expected auto, ") +
                                names_of(all_sets));
  }
  if (!runs_here(**found))
    throw std::invalid_argument("kernel set '" + std::string(name) + "' needs instructions this CPU lacks (it runs " +
                                names_of(kernel_sets_here()) + ")");
  return **found;
}

void select_kernels(const KernelTable& set) { detail::selected_set = &set; }

}  // namespace ctgrad::kernels
