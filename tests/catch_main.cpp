// Catch2's main for every test executable, which first selects the kernel
// set that kernels::Selected runs if CTGRAD_TEST_KERNELS names one ("scalar",
// "auto", "avx2", ...: tests/support/kernel_paths.hpp).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <ctgrad/kernels/table.hpp>

int main(int argc, char** argv) {
  if (const char* name = std::getenv("CTGRAD_TEST_KERNELS")) {
    try {
      ctgrad::kernels::select_kernels(ctgrad::kernels::kernel_set(name));
    } catch (const std::invalid_argument& error) {
      std::fprintf(stderr, "CTGRAD_TEST_KERNELS: %s\n", error.what());
      return 2;
    }
    std::printf("kernel set: %s\n", ctgrad::kernels::selected_kernels().name);
  }
  return Catch::Session().run(argc, argv);
}
