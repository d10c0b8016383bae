// One binary for every x86-64 machine: lenet1, built here for the baseline,
// runs under QEMU's user-mode emulation of older CPUs and picks the kernel
// set each one has. An instruction of a wider set anywhere outside that
// set's kernels (the program's own code, the dispatch) would stop it with
// SIGILL. Built when qemu-x86_64 is found and the build has the sse2 and
// avx2 sets (tests/CMakeLists.txt); `quickstart.sh test` installs qemu-user.
#include <string>

#include <catch2/catch.hpp>

#include "tests/support/e2e.hpp"

namespace {

using namespace ctgrad::testing;

const std::string qemu_exe = CTGRAD_QEMU_EXE;

// Emulation is some hundred times slower than the CPU: a few hundred real
// examples, enough to train and evaluate on the set under test.
const std::filesystem::path& few_examples() {
  static const auto data = [] {
    const auto dir = scratch_dir("ctgrad_older_cpu", "data");
    first_examples(data_dir, dir, 200, 100);
    return dir;
  }();
  return data;
}

std::string command_on(const std::string& cpu, const std::string& kernels) {
  const auto out = scratch_dir("ctgrad_older_cpu", cpu + "_" + kernels);
  return qemu_exe + " -cpu " + cpu + " " + lenet1_exe + " train --steps 100 --threads 1 --kernels " + kernels +
         " --data " + few_examples().string() + " --out " + (out / "run").string();
}

// The CPU's widest set runs: the program trains, evaluates and says which.
void runs_set(const std::string& cpu, const std::string& expected) {
  const auto command = command_on(cpu, "auto");
  const auto run = run_program(command);
  INFO(command << " -> exit " << run.status << ":\n" << run.output);
  CHECK(run.status == 0);
  CHECK(run.output.find("kernels: " + expected + " (") != std::string::npos);
  CHECK(run.output.find("eval: split test") != std::string::npos);
}

// A wider set than the CPU has is refused before anything runs: exit 2, one
// line naming the flag and the set.
void refuses_set(const std::string& cpu, const std::string& kernels) {
  const auto command = command_on(cpu, kernels);
  const auto run = run_program(command);
  INFO(command << " -> exit " << run.status << ":\n" << run.output);
  CHECK(run.status == 2);
  CHECK(run.output.find("--kernels: kernel set '" + kernels + "' needs instructions this CPU lacks") !=
        std::string::npos);
}

}  // namespace

TEST_CASE("Nehalem (SSE4.2, no AVX) runs the sse2 kernels and refuses avx2", "[e2e]") {
  runs_set("Nehalem", "sse2");
  refuses_set("Nehalem", "avx2");
}

TEST_CASE("Haswell (AVX2 and FMA, no AVX-512) runs the avx2 kernels and refuses avx512", "[e2e]") {
  runs_set("Haswell", "avx2");
  refuses_set("Haswell", "avx512");
}
