#pragma once
// How a run stops early: divergence (a NaN), Ctrl-C (a checkpoint, then
// exit 130 in the programs), and the CTGRAD_PAUSE_AT_STEP test hook.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>

#include <signal.h>
#include <unistd.h>

#include "ctgrad/nn/parameters.hpp"
#include "ctgrad/train/errors.hpp"

namespace ctgrad::train {

// Names the first parameter holding a NaN or infinity, or returns empty.
inline std::string first_non_finite_of(std::span<const ConstParameterRef> parameters) {
  for (const ConstParameterRef& parameter : parameters)
    if (!std::all_of(parameter.value.begin(), parameter.value.end(), [](float v) { return std::isfinite(v); }))
      return std::string(parameter.name);
  return {};
}
template <class Params>
std::string first_non_finite_parameter(const Params& params) {
  return first_non_finite_of(parameter_refs(params));
}

// Ctrl-C: the training loop sees this flag after the current step, writes a
// checkpoint and stops (exit status 130 in the programs).
inline std::atomic<bool> interrupt_requested{false};
// A second Ctrl-C, while the checkpoint is being written, kills as usual.
extern "C" inline void request_interrupt(int) {
  interrupt_requested.store(true);
  std::signal(SIGINT, SIG_DFL);
}

// CTGRAD_PAUSE_AT_STEP=N (a positive step number) freezes a run after step N
// (and after its checkpoint, if one is due there): it prints "paused at step
// N" and its pid to stderr and waits for a signal (under mpirun every rank
// pauses, each with its own line). Ctrl-C then stops it as usual. Tests
// use it to interrupt or kill a run at a step they chose instead of at a time
// they guessed, which would race the trainer on a fast machine; a user can
// use it to freeze a run at a known point. 0 when unset.
inline long long pause_step_from_environment() {
  const char* text = std::getenv("CTGRAD_PAUSE_AT_STEP");
  if (text == nullptr || *text == '\0') return 0;
  char* end = nullptr;
  const long long step = std::strtoll(text, &end, 10);
  if (*end != '\0' || step <= 0)
    throw UsageError(std::string("CTGRAD_PAUSE_AT_STEP: expected a positive step number, found '") + text + "'");
  return step;
}

// Waits for Ctrl-C (or a signal that ends the process). SIGINT is blocked
// while the line is printed, so a signal sent as soon as the line appears is
// not lost before sigsuspend starts waiting.
inline void pause_until_signal(long long step) {
  sigset_t interrupt, previous;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  pthread_sigmask(SIG_BLOCK, &interrupt, &previous);
  std::fprintf(stderr, "paused at step %lld (CTGRAD_PAUSE_AT_STEP, pid %ld): waiting for a signal\n", step,
               static_cast<long>(::getpid()));
  std::fflush(stderr);
  sigset_t waiting = previous;
  sigdelset(&waiting, SIGINT);
  while (!interrupt_requested.load()) sigsuspend(&waiting);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

}  // namespace ctgrad::train
