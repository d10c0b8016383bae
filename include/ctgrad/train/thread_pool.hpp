#pragma once
// A persistent pool for data-parallel steps: threads - 1 workers started
// once, plus the calling thread. run(job) calls job(t) on every thread t in
// [0, threads) and returns when all have finished; inside a job, sync() is a
// barrier of all of them. Nothing is allocated per run (no std::function, no
// thread started per step): a step of the training loop touches no heap.
// The barriers spin before they sleep (SpinBarrier), since a step waits for
// microseconds.
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ctgrad::train {

// A reusable barrier for a step's few microseconds of waiting: it spins
// first, then sleeps (std::atomic::wait). std::barrier puts a waiter to sleep
// at once, and waking it costs tens of microseconds: on two threads a batch
// of 8 took 2.5 times as long as on one.
class SpinBarrier {
 public:
  explicit SpinBarrier(unsigned count) : count_(count) {}
  void arrive_and_wait() {
    const unsigned generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == count_) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.store(generation + 1, std::memory_order_release);
      generation_.notify_all();
      return;
    }
    for (int spin = 0; spin < spin_limit; ++spin) {
      if (generation_.load(std::memory_order_acquire) != generation) return;
      pause();
    }
    while (generation_.load(std::memory_order_acquire) == generation)
      generation_.wait(generation, std::memory_order_acquire);
  }

 private:
  // About 100 us of spinning (a pause is some 10-140 cycles): longer than a
  // step's imbalance, short against the seconds a pool may sit idle.
  static constexpr int spin_limit = 1 << 13;
  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#else
    std::this_thread::yield();
#endif
  }
  const unsigned count_;
  std::atomic<unsigned> arrived_{0};
  std::atomic<unsigned> generation_{0};
};

class ThreadPool {
 public:
  explicit ThreadPool(unsigned threads)
      : threads_(threads < 1 ? 1 : threads), start_(threads_), middle_(threads_), done_(threads_) {
    workers_.reserve(threads_ - 1);
    for (unsigned t = 1; t < threads_; ++t) workers_.emplace_back([this, t] { work(t); });
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() {
    stop_ = true;
    start_.arrive_and_wait();
    for (auto& worker : workers_) worker.join();
  }

  unsigned size() const { return threads_; }

  // job(t) on every thread t; the caller runs t = 0. The barriers order
  // everything before run() before the jobs, and the jobs before its return.
  template <class Job>
  void run(Job& job) {
    job_ = &job;
    call_ = [](void* context, unsigned t) { (*static_cast<Job*>(context))(t); };
    start_.arrive_and_wait();
    call_(job_, 0);
    done_.arrive_and_wait();
  }
  // Inside a job: waits until every thread has reached this point.
  void sync() { middle_.arrive_and_wait(); }

 private:
  void work(unsigned t) {
    for (;;) {
      start_.arrive_and_wait();
      if (stop_) return;
      call_(job_, t);
      done_.arrive_and_wait();
    }
  }

  unsigned threads_;
  SpinBarrier start_, middle_, done_;
  std::vector<std::thread> workers_;
  void* job_ = nullptr;
  void (*call_)(void*, unsigned) = nullptr;
  bool stop_ = false;
};

}  // namespace ctgrad::train
