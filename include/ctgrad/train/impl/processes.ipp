#pragma once
// The definitions behind train/processes.hpp: with MPI where CTGRAD_WITH_MPI
// is defined, as one process otherwise. Header-only builds get them through
// that header, a build with CTGRAD_SEPARATE_COMPILATION compiles them once
// (ctgrad/impl/src.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#if defined(CTGRAD_WITH_MPI)
#include <mpi.h>
#endif

#include "ctgrad/train/errors.hpp"
#include "ctgrad/train/processes.hpp"

namespace ctgrad::train {

namespace processes_detail {
// The size of the job an MPI launcher started this process in (1 if none):
// Open MPI's, MPICH's and PMIx's variables.
inline int launched_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* value = std::getenv(name); value != nullptr && *value != '\0') return std::atoi(value);
  return 1;
}
}  // namespace processes_detail

CTGRAD_DECL Processes*& Processes::made() {
  static Processes* world = nullptr;
  return world;
}

CTGRAD_DECL Processes& Processes::world() {
  static Processes processes;
  return processes;
}

CTGRAD_DECL Processes* Processes::existing() { return made(); }

CTGRAD_DECL Processes::Processes() {
  const int launched = processes_detail::launched_size();
#if defined(CTGRAD_WITH_MPI)
  if (launched > 1) {
    int provided = 0;
    // FUNNELED: the trainer's worker threads never call MPI.
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    started_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
#else
  if (launched > 1)
    throw UsageError("started as one of " + std::to_string(launched) + " processes, but " + support());
#endif
  made() = this;
}

CTGRAD_DECL void Processes::all_gather([[maybe_unused]] std::span<float> buffer,
                                       [[maybe_unused]] std::span<const int> counts) const {
#if defined(CTGRAD_WITH_MPI)
  if (!distributed()) return;
  // Offsets on the stack: a step allocates nothing (64 ranks and more use the heap).
  constexpr int on_stack = 64;
  int offsets_here[on_stack];
  std::vector<int> offsets_heap(size_ > on_stack ? static_cast<std::size_t>(size_) : 0);
  int* offsets = size_ > on_stack ? offsets_heap.data() : offsets_here;
  int offset = 0;
  for (int r = 0; r < size_; ++r) {
    offsets[r] = offset;
    offset += counts[static_cast<std::size_t>(r)];
  }
  MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buffer.data(), counts.data(), offsets, MPI_FLOAT,
                 MPI_COMM_WORLD);
#endif
}

namespace processes_detail {
// total += each of `count` terms (total.size() floats each) in order.
inline void add_terms(std::span<float> total, const float* terms, std::size_t stride, std::size_t count) {
  for (std::size_t k = 0; k < count; ++k, terms += stride)
    for (std::size_t i = 0; i < total.size(); ++i) total[i] += terms[i];
}
}  // namespace processes_detail

CTGRAD_DECL void Processes::ordered_sum(std::span<float> total, std::span<const float> terms,
                                        std::span<const int> counts) const {
  const std::size_t n = total.size();
  const auto count_of = [&](int r) { return static_cast<std::size_t>(counts[static_cast<std::size_t>(r)]); };
  if (!distributed()) {
    if (count_of(0) == 0) {
      std::fill(total.begin(), total.end(), 0.f);
      return;
    }
    std::copy(terms.begin(), terms.begin() + static_cast<std::ptrdiff_t>(n), total.begin());
    processes_detail::add_terms(total, terms.data() + n, n, count_of(0) - 1);
    return;
  }
#if defined(CTGRAD_WITH_MPI)
  // The ranks with terms, in rank order, form the chain.
  int previous = -1, next = -1, last = -1;
  for (int r = 0; r < size_; ++r) {
    if (count_of(r) == 0) continue;
    if (r < rank_) previous = r;
    if (r > rank_ && next < 0) next = r;
    last = r;
  }
  if (last < 0) {
    std::fill(total.begin(), total.end(), 0.f);
    return;
  }
  if (const std::size_t mine = count_of(rank_); mine > 0) {
    // The sum travels in pieces so that the ranks of the chain work at
    // once. With a message latency that costs as much as sending
    // `latency_floats`, the chain takes about (pieces + hops - 1) times
    // (latency + piece), least for pieces = sqrt(n (hops - 1) /
    // latency_floats): 25 kB is 20 us at 10 Gbit/s, 2 us at 100 Gbit/s
    // (docs/scaling.md). At most `max_pieces`: the requests stay on the stack.
    constexpr std::size_t max_pieces = 64;
    constexpr double latency_floats = 6250;
    const double hops = static_cast<double>(size_ - 1);
    const auto best =
        static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(n) * (hops - 1) / latency_floats)));
    const std::size_t pieces = std::clamp<std::size_t>(best, 1, max_pieces);
    const std::size_t chunk = (n + pieces - 1) / pieces;
    MPI_Request sends[max_pieces];
    int sent = 0;
    for (std::size_t begin = 0; begin < n; begin += chunk) {
      const std::size_t length = std::min(chunk, n - begin);
      const std::span<float> piece = total.subspan(begin, length);
      const float* own = terms.data() + begin;
      std::size_t added = 0;
      if (previous >= 0) {
        MPI_Recv(piece.data(), static_cast<int>(length), MPI_FLOAT, previous, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      } else {
        std::copy(own, own + length, piece.begin());
        added = 1;
      }
      processes_detail::add_terms(piece, own + added * n, n, mine - added);
      if (next >= 0)
        MPI_Isend(piece.data(), static_cast<int>(length), MPI_FLOAT, next, 0, MPI_COMM_WORLD, &sends[sent++]);
    }
    MPI_Waitall(sent, sends, MPI_STATUSES_IGNORE);
  }
  MPI_Bcast(total.data(), static_cast<int>(n), MPI_FLOAT, last, MPI_COMM_WORLD);
#endif
}

CTGRAD_DECL bool Processes::any(bool flag) const {
#if defined(CTGRAD_WITH_MPI)
  if (!distributed()) return flag;
  int mine = flag ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
  return all != 0;
#else
  return flag;
#endif
}

CTGRAD_DECL void Processes::broadcast([[maybe_unused]] std::string& text) const {
#if defined(CTGRAD_WITH_MPI)
  if (!distributed()) return;
  unsigned long long length = text.size();
  MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  text.resize(static_cast<std::size_t>(length));
  MPI_Bcast(text.data(), static_cast<int>(length), MPI_CHAR, 0, MPI_COMM_WORLD);
#endif
}

CTGRAD_DECL void Processes::finish([[maybe_unused]] int status) {
#if defined(CTGRAD_WITH_MPI)
  if (!started_) return;
  started_ = false;
  std::fflush(stdout);
  std::fflush(stderr);
  if (status == 0 || status == 130)
    MPI_Finalize();
  else
    MPI_Abort(MPI_COMM_WORLD, status);
#endif
}

CTGRAD_DECL std::string Processes::support() {
#if defined(CTGRAD_WITH_MPI)
  return "built with MPI: run it as `mpirun -np R <program> train --batch B ...`";
#else
  return "this build has no MPI: install Open MPI (apt-get install libopenmpi-dev openmpi-bin) and configure "
         "again, then run `mpirun -np R <program> train --batch B ...`";
#endif
}

}  // namespace ctgrad::train
