#pragma once
// A persistent pool for data-parallel steps: threads - 1 workers started
// once, plus the calling thread. run(job) calls job(t) on every thread t in
// [0, threads) and returns when all have finished; inside a job, sync() is a
// barrier of all of them. Nothing is allocated per run (no std::function, no
// thread started per step): a step of the training loop touches no heap.
#include <barrier>
#include <cstddef>
#include <thread>
#include <vector>

namespace ctgrad::training {

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
  std::barrier<> start_, middle_, done_;
  std::vector<std::thread> workers_;
  void* job_ = nullptr;
  void (*call_)(void*, unsigned) = nullptr;
  bool stop_ = false;
};

}  // namespace ctgrad::training
