// Processes (ctgrad/train/processes.hpp) as a build without MPI has them:
// this file is compiled header-only, without CTGRAD_WITH_MPI, whatever the
// rest of the build found. CTest starts it with OMPI_COMM_WORLD_SIZE=3, as
// `mpirun -np 3` would: such a process must not train alone (each would
// write the same run folder) but say how to get MPI.
#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ctgrad/train/errors.hpp"
#include "ctgrad/train/processes.hpp"

#if defined(CTGRAD_WITH_MPI) || defined(CTGRAD_SEPARATE_COMPILATION)
#error "test_processes_no_mpi must be compiled header-only and without MPI (tests/CMakeLists.txt)"
#endif

using ctgrad::train::Processes;

TEST_CASE("without MPI, a process started as one of several says how to get MPI, and one process trains",
          "[processes]") {
  const char* launched = std::getenv("OMPI_COMM_WORLD_SIZE");
  REQUIRE(launched != nullptr);
  REQUIRE(std::string(launched) == "3");
  try {
    Processes::world();
    FAIL("Processes::world() accepted 3 processes in a build without MPI");
  } catch (const ctgrad::train::UsageError& error) {
    CHECK_THAT(error.what(), Catch::Matchers::StartsWith("started as one of 3 processes, but this build has no MPI: "
                                                         "install Open MPI (apt-get install libopenmpi-dev "
                                                         "openmpi-bin) and configure again"));
  }
  // What train --help says about several processes in such a build.
  CHECK_THAT(Processes::support(), Catch::Matchers::StartsWith("this build has no MPI: install Open MPI"));

  // Started on its own, it is one process, and sums as one.
  unsetenv("OMPI_COMM_WORLD_SIZE");
  const Processes& processes = Processes::world();
  CHECK(processes.size() == 1);
  CHECK(processes.rank() == 0);
  CHECK(processes.writer());
  const std::vector<float> terms = {1.f, 2.f, 10.f, 20.f, 100.f, 200.f};
  std::vector<float> total(2);
  const std::vector<int> counts = {3};
  processes.ordered_sum(total, terms, counts);
  CHECK(total == std::vector<float>{111.f, 222.f});
}
