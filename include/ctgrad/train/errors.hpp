#pragma once
// The trainer's three ways to stop a run early, each with its exit status in
// the programs (train/cli.hpp's run_command): a wrong flag or input file (2),
// Ctrl-C with its checkpoint saved (130), a loss or parameter gone to NaN (1).
// A header of its own, so that a program's command line needs no model.
#include <stdexcept>

namespace ctgrad::train {

// A wrong flag or input file: the programs print it in one line and exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Ctrl-C (train/interrupt.hpp): the run stopped after writing its checkpoint.
struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The loss or a parameter is no longer finite.
struct Diverged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ctgrad::train
