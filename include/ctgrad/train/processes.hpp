#pragma once
// The processes of a training run: MPI's world when the program was started
// by mpirun (or another MPI launcher) in a build with MPI, otherwise this
// process alone. The trainer splits each batch's shards and each evaluation
// over them (train/data_parallel.hpp, train/evaluate.hpp); rank 0 alone
// prints and writes the run folder.
//
// Every sum over ranks is taken in one fixed order, the order one process
// adds the same terms in (ordered_sum; all_gather for values summed after),
// so a run on R processes is bit-identical to one process (with any thread
// counts), not only close.
//
// MPI is optional (docs/scaling.md): the calls live in
// train/impl/processes.ipp, compiled with MPI where CTGRAD_WITH_MPI is
// defined (this project's ctgrad_compiled, when CMake finds MPI) and as one
// process otherwise.
#include <span>
#include <string>

#include "ctgrad/detail/separate_compilation.hpp"

namespace ctgrad::train {

class Processes {
 public:
  // The processes this program was started among. The first call starts
  // MPI (before any thread of the trainer), when the program runs under an
  // MPI launcher; a build without MPI run so by several processes throws
  // UsageError, since each would train alone and write the same folder.
  CTGRAD_DECL static Processes& world();
  // The world if a call of world() made it, else nullptr (no MPI started).
  CTGRAD_DECL static Processes* existing();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool distributed() const { return size_ > 1; }
  // Rank 0 prints and writes the run folder; the others only compute.
  bool writer() const { return rank_ == 0; }

  // `buffer` is the same length on every rank; rank r's block is `counts[r]`
  // floats, after those of ranks 0..r-1, and holds its values on entry. On
  // return every rank holds every block. `counts` has size() entries.
  CTGRAD_DECL void all_gather(std::span<float> buffer, std::span<const int> counts) const;
  // The sum of every rank's terms, in rank order. Rank r holds `counts[r]`
  // terms (maybe none), each total.size() floats, one after another in
  // `terms`; `counts` has size() entries, the same on every rank. On return
  // every rank's `total` holds, element by element, t0 + t1 + t2 + ... over
  // all ranks' terms in rank order, added from the left: the floats one
  // process gets adding them in that order. The running sum passes from
  // rank to rank in chunks (a pipeline), and the last rank with terms
  // broadcasts it: a rank sends and receives about 2 total.size() floats
  // whatever the number of ranks and terms. Zeros if no rank has a term.
  CTGRAD_DECL void ordered_sum(std::span<float> total, std::span<const float> terms, std::span<const int> counts) const;
  // True on every rank if `flag` is true on any.
  CTGRAD_DECL bool any(bool flag) const;
  // Rank 0's `text` on every rank.
  CTGRAD_DECL void broadcast(std::string& text) const;
  // The program's end with exit status `status`. 0 and 130 (Ctrl-C, which
  // the ranks agree on and stop at together) end MPI normally; any other
  // status may leave other ranks waiting in an exchange, so it ends the
  // whole job (MPI_Abort) with that status.
  CTGRAD_DECL void finish(int status);

  // "with MPI (Open MPI 4.1)" or how to build with it: for --help.
  CTGRAD_DECL static std::string support();

 private:
  CTGRAD_DECL Processes();
  CTGRAD_DECL static Processes*& made();
  int rank_ = 0, size_ = 1;
  [[maybe_unused]] bool started_ = false;  // MPI_Init called, MPI_Finalize or MPI_Abort not yet
};

// Rank `rank`'s share [first, last) of `count` items in order, of `size` ranks.
struct Share {
  std::size_t first, last;
};
inline Share share_of(std::size_t count, int rank, int size) {
  const auto r = static_cast<std::size_t>(rank), n = static_cast<std::size_t>(size);
  return {count * r / n, count * (r + 1) / n};
}

}  // namespace ctgrad::train

#if !defined(CTGRAD_SEPARATE_COMPILATION)
#include "ctgrad/train/impl/processes.ipp"
#endif
