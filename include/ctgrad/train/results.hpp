#pragma once
// What an evaluation finds, and a pass's two evaluations as a run records them.
#include <cstddef>

namespace ctgrad::train {

struct EvalResult {
  double loss = 0;  // the recipe's loss, mean over the examples
  std::size_t misses = 0;
  std::size_t count = 0;
  double error_percent() const { return count ? 100.0 * static_cast<double>(misses) / static_cast<double>(count) : 0; }
};

struct PassResult {
  int pass = 0;
  EvalResult train, test;
  double seconds = 0;  // since training started, evaluation included
};

}  // namespace ctgrad::train
