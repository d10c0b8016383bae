// Training over MPI (train/processes.hpp), end to end under mpirun -np 2:
// the same weights as one process, byte for byte; Ctrl-C and a killed rank
// stop the job at a step the test chose, and the checkpoint resumes to the
// uninterrupted run's weights. Registered only when CMake found MPI.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <catch2/catch.hpp>

#include "tests/support/e2e.hpp"

using namespace ctgrad::testing;  // tests/support/e2e.hpp: the programs, run folders, signals

namespace {

// As root in CI; two ranks on two cores or fewer.
std::string mpirun(int ranks, const std::string& environment = "") {
  return std::string(CTGRAD_MPIEXEC) + " --allow-run-as-root --oversubscribe" + environment + " -np " +
         std::to_string(ranks) + " ";
}

// The pids of the ranks paused at `step`, from their "paused at step N
// (..., pid P)" lines, once `ranks` of them are in the log.
std::vector<long> paused_pids(BackgroundProgram& program, const std::filesystem::path& log, long long step,
                              int ranks) {
  std::vector<long> pids;
  const std::regex line("paused at step " + std::to_string(step) + " \\(CTGRAD_PAUSE_AT_STEP, pid ([0-9]+)\\)");
  wait_until(program, [&] {
    const std::string text = file_bytes(log);
    pids.clear();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator(); ++it)
      pids.push_back(std::stol((*it)[1]));
    return pids.size() == static_cast<std::size_t>(ranks);
  });
  return pids;
}

// The MPI rank of process `pid` (Open MPI puts it in the environment).
int rank_of(long pid) {
  std::ifstream stream("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string variable;
  while (std::getline(stream, variable, '\0'))
    if (variable.rfind("OMPI_COMM_WORLD_RANK=", 0) == 0) return std::stoi(variable.substr(21));
  return -1;
}

}  // namespace

TEST_CASE("two processes train the same weights as one process, byte for byte", "[distributed]") {
  const auto dir = scratch_dir("ctgrad_mpi", "same");
  const std::string flags = " train --batch 32 --steps 60 --seed 3 --data " + data_dir;
  run_ok(lenet1_exe + flags + " --threads 2 --save " + (dir / "one.safetensors").string());
  const std::string two = mpirun(2) + lenet1_exe + flags + " --threads 1 --save ";
  const std::string output = run_ok(two + (dir / "two.safetensors").string());
  CHECK(output.find("processes: 2 (mpirun)") != std::string::npos);
  CHECK(output.find("saved: ") == output.rfind("saved: "));  // rank 0 alone prints
  REQUIRE(file_bytes(dir / "two.safetensors") == file_bytes(dir / "one.safetensors"));
  run_ok(two + (dir / "again.safetensors").string());
  REQUIRE(file_bytes(dir / "again.safetensors") == file_bytes(dir / "two.safetensors"));

  // Three ranks: shards that do not split evenly (44 examples: 5 of 8 and
  // 4 of 1), and a batch of 2 shards, one rank without any.
  for (const std::string batch : {"44", "2"}) {
    const std::string three = " train --recipe modern --batch " + batch + " --steps 20 --data " + data_dir;
    run_ok(lenet1_exe + three + " --save " + (dir / ("b" + batch + "_one.safetensors")).string());
    run_ok(mpirun(3) + lenet1_exe + three + " --threads 1 --save " + (dir / ("b" + batch + "_three.safetensors")).string());
    REQUIRE(file_bytes(dir / ("b" + batch + "_three.safetensors")) == file_bytes(dir / ("b" + batch + "_one.safetensors")));
  }

  // The transformer, its recipe (AdamW, dropout, shifts).
  const std::string vit = " train --batch 16 --steps 12 --data " + data_dir;
  run_ok(micro_vit_exe + vit + " --threads 2 --save " + (dir / "vit_one.safetensors").string());
  run_ok(mpirun(2) + micro_vit_exe + vit + " --threads 1 --save " + (dir / "vit_two.safetensors").string());
  REQUIRE(file_bytes(dir / "vit_two.safetensors") == file_bytes(dir / "vit_one.safetensors"));
}

TEST_CASE("train --help says how to train on several processes", "[distributed]") {
  CHECK(run_ok(lenet1_exe + " train --help").find("Several processes: built with MPI: run it as `mpirun -np R") !=
        std::string::npos);
}

TEST_CASE("under mpirun, --batch 1 is refused with the reason", "[distributed]") {
  const auto run = ctgrad::testing::run_program(mpirun(2) + lenet1_exe + " train --steps 5 --data " + data_dir);
  CHECK(run.status != 0);
  CHECK(run.output.find("--batch 1 trains one example per step") != std::string::npos);
}

TEST_CASE("Ctrl-C on every rank stops the job at that step; a killed rank ends the whole job; both resume exactly",
          "[distributed]") {
  const auto dir = scratch_dir("ctgrad_mpi", "stop");
  const std::string flags = " train --batch 32 --steps 90 --seed 4 --threads 1 --data " + data_dir;
  run_ok(mpirun(2) + lenet1_exe + flags + " --save " + (dir / "whole.safetensors").string());

  for (const bool kill_a_rank : {false, true}) {
    INFO((kill_a_rank ? "SIGKILL to rank 1" : "SIGINT to both ranks"));
    const auto run = dir / (kill_a_rank ? "killed" : "interrupted");
    const auto log = dir / (kill_a_rank ? "killed.log" : "interrupted.log");
    BackgroundProgram program(mpirun(2, " -x CTGRAD_PAUSE_AT_STEP=40") + lenet1_exe + flags +
                                  " --checkpoint-every 20 --out " + run.string(),
                              log);
    REQUIRE(program.started());
    const std::vector<long> pids = paused_pids(program, log, 40, 2);
    INFO(file_bytes(log));
    REQUIRE(pids.size() == 2);  // both ranks mid-run, after step 40 and its checkpoint
    if (kill_a_rank) {
      const long victim = rank_of(pids[0]) == 1 ? pids[0] : pids[1];
      REQUIRE(rank_of(victim) == 1);
      ::kill(static_cast<pid_t>(victim), SIGKILL);
    } else {
      for (const long pid : pids) ::kill(static_cast<pid_t>(pid), SIGINT);
    }
    REQUIRE(wait_until(program, [&] { return program.ended(); }));  // the job ends: no rank left waiting
    const int status = program.wait();
    INFO(file_bytes(log));
    REQUIRE(WIFEXITED(status));
    if (kill_a_rank) {
      CHECK(WEXITSTATUS(status) != 0);
      CHECK(std::regex_search(file_bytes(log), std::regex("rank 1 .*exited on signal 9")));
    } else {
      CHECK(WEXITSTATUS(status) == 130);
      CHECK(file_bytes(log).find("interrupted at step 40:") != std::string::npos);
    }
    REQUIRE(std::filesystem::exists(run / "checkpoint.safetensors"));
    run_ok(mpirun(2) + lenet1_exe + " train --resume " + run.string() + " --save " +
           (dir / "resumed.safetensors").string());
    REQUIRE(file_bytes(dir / "resumed.safetensors") == file_bytes(dir / "whole.safetensors"));
  }
}
