#pragma once
#include <chrono>
#include <cstdio>

#include <unistd.h>

namespace ctgrad::train {

// A live "pass 3/23  step 1234/7291  95.1k ex/s  ETA 0:42" line on a terminal;
// nothing when stdout is a pipe or file (CI), where only the pass lines print.
class Progress {
 public:
  explicit Progress(long long total_steps) : total_(total_steps), enabled_(::isatty(::fileno(stdout)) == 1) {}
  void update(int pass, int passes, std::size_t step, std::size_t steps_per_pass, long long done) {
    if (!enabled_ || (done & 1023) != 0) return;
    const double elapsed = seconds();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    const double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    std::fprintf(stdout, "\r\033[Kpass %d/%d  step %zu/%zu  %.1fk ex/s  ETA %d:%02d", pass, passes, step,
                 steps_per_pass, rate / 1000, static_cast<int>(left) / 60, static_cast<int>(left) % 60);
    std::fflush(stdout);
  }
  void clear() {
    if (enabled_) std::fprintf(stdout, "\r\033[K");
  }
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  long long total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace ctgrad::train
