// The kernel sets and the choice among them: which sets the library has,
// which one runs by default, and what a wrong name or a set the CPU lacks
// gets (a message naming what was expected).
#include <cstring>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include <ctgrad/kernels/kernels.hpp>

#include "tests/support/kernel_check.hpp"

namespace kernels = ctgrad::kernels;

TEST_CASE("the library has the scalar set and a SIMD set per instruction set", "[kernels]") {
  const auto sets = kernels::kernel_sets();
  REQUIRE(sets.size() >= 2);
  CHECK(std::string(sets.front()->name) == "scalar");
  CHECK(sets.front()->width == 1);
  std::string names;  // the sets this build was configured with (CTGRAD_KERNEL_SETS)
  for (const kernels::KernelTable* set : sets) names += (names.empty() ? "" : " ") + std::string(set->name);
  CHECK(names == CTGRAD_KERNEL_SET_NAMES);
  for (const kernels::KernelTable* set : sets) {  // each x86-64 set: its vector width and xsimd's architecture
    INFO("set " << set->name);
    const std::string name = set->name, arch = set->arch;
    if (name == "sse2") CHECK((set->width == 4 && arch == "sse2" && kernels::runs_here(*set)));  // the baseline
    if (name == "avx2") CHECK((set->width == 8 && arch == "fma3+avx2"));
    if (name == "avx512") CHECK((set->width == 16 && arch == "avx512bw"));
  }
}

TEST_CASE("the widest set this CPU runs is the default", "[kernels]") {
  const kernels::KernelTable* widest = nullptr;
  for (const kernels::KernelTable* set : kernels::kernel_sets())
    if (kernels::runs_here(*set)) widest = set;
  REQUIRE(widest != nullptr);
  CHECK(&kernels::best_kernels() == widest);
  CHECK(kernels::kernel_sets_here().front() == &kernels::scalar_kernels());
  CHECK(kernels::kernel_sets_here().back() == widest);
  CHECK(&kernels::selected_kernels() == widest);
  CHECK(&kernels::kernel_set("auto") == widest);
  CHECK(&kernels::kernel_set("simd") == widest);
  CHECK(kernels::Simd::set() == std::string(widest->name));
  CHECK(kernels::Selected::width() == widest->width);
  CHECK(!ctgrad::testing::simd_sets_here().empty());
}

TEST_CASE("a set is chosen by name, and Selected runs it", "[kernels]") {
  for (const kernels::KernelTable* set : kernels::kernel_sets()) {
    INFO("set " << set->name);
    if (kernels::runs_here(*set)) {
      CHECK(&kernels::kernel_set(set->name) == set);
      const ctgrad::testing::SelectedSet selected(*set);
      CHECK(kernels::Selected::set() == std::string(set->name));
      float x[3] = {-1.f, 0.5f, 2.f}, y[3] = {};
      kernels::Selected::activation_forward<3>(ctgrad::activation::Relu{}, x, y);
      CHECK((y[0] == 0.f && y[1] == 0.5f && y[2] == 2.f));
    } else {
      try {
        (void)kernels::kernel_set(set->name);
        FAIL("a set this CPU lacks was accepted");
      } catch (const std::invalid_argument& e) {
        CHECK_THAT(e.what(), Catch::Contains("this CPU lacks") && Catch::Contains("scalar"));
      }
    }
  }
  CHECK(&kernels::selected_kernels() == &kernels::best_kernels());  // SelectedSet restored it
}

TEST_CASE("an unknown set's name is an error that lists the names", "[kernels]") {
  try {
    (void)kernels::kernel_set("avx1024");
    FAIL("an unknown name was accepted");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Catch::Contains("'avx1024'") && Catch::Contains("expected auto, scalar"));
  }
}
