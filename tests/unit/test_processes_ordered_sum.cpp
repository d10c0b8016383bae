// Processes::ordered_sum (ctgrad/train/processes.hpp), the exchange of a
// training step over MPI: every rank's terms summed in rank order, bit for
// bit the floats one process gets adding them in that order. CTest runs this
// file alone and under `mpirun -np 4` (test_processes_ordered_sum_np4), so
// both the one-process path and the chain of ranks are checked.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <span>
#include <vector>

#include "ctgrad/train/processes.hpp"

using ctgrad::train::Processes;

namespace {

// `count` terms of n floats, the same on every rank: magnitudes from 1e-3 to
// 1e3, so that the order of the additions shows in the bits.
std::vector<float> make_terms(std::size_t count, std::size_t n, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> unit(-1.f, 1.f);
  std::vector<float> terms(count * n);
  for (std::size_t k = 0; k < count; ++k)
    for (std::size_t i = 0; i < n; ++i)
      terms[k * n + i] = unit(generator) * std::pow(10.f, static_cast<float>((k + i) % 7) - 3.f);
  return terms;
}

// t0 + t1 + ... from the left, element by element.
std::vector<float> fold(const std::vector<float>& terms, std::size_t n) {
  std::vector<float> sum(n, 0.f);
  const std::size_t count = terms.size() / n;
  if (count == 0) return sum;
  std::copy(terms.begin(), terms.begin() + static_cast<std::ptrdiff_t>(n), sum.begin());
  for (std::size_t k = 1; k < count; ++k)
    for (std::size_t i = 0; i < n; ++i) sum[i] += terms[k * n + i];
  return sum;
}

}  // namespace

TEST_CASE("ordered_sum adds every rank's terms in rank order, the bits of one process", "[processes]") {
  const Processes& processes = Processes::world();
  const int ranks = processes.size();
  // 1 float; just under, at and just over the 1,024-float piece the chain
  // passes on; LeNet-1's gradient and loss; more than 64 pieces' worth.
  for (std::size_t n : {1u, 1000u, 1024u, 1025u, 9761u, 70001u}) {
    // How many terms each rank holds: uneven, with a rank in the middle
    // holding none; rank r r terms (rank 0 none); all on the last rank;
    // none at all.
    for (int pattern = 0; pattern < 4; ++pattern) {
      std::vector<int> counts(static_cast<std::size_t>(ranks));
      for (int r = 0; r < ranks; ++r) {
        const int terms_of_r[] = {(r * 5 + 3) % 4, r % 4, r == ranks - 1 ? 3 : 0, 0};
        counts[static_cast<std::size_t>(r)] = terms_of_r[pattern];
      }
      const auto all = static_cast<std::size_t>(std::accumulate(counts.begin(), counts.end(), 0));
      const auto before =
          static_cast<std::size_t>(std::accumulate(counts.begin(), counts.begin() + processes.rank(), 0));
      const std::vector<float> terms = make_terms(all, n, static_cast<unsigned>(n));
      const std::vector<float> expected = fold(terms, n);
      const std::span<const float> mine = std::span<const float>(terms).subspan(
          before * n, static_cast<std::size_t>(counts[static_cast<std::size_t>(processes.rank())]) * n);
      std::vector<float> total(n, std::nanf(""));
      processes.ordered_sum(total, mine, counts);
      INFO("ranks " << ranks << ", rank " << processes.rank() << ", n " << n << ", pattern " << pattern);
      REQUIRE(std::memcmp(total.data(), expected.data(), n * sizeof(float)) == 0);
      if (all >= 3 && n >= 1000) {
        // Not a comparison that any order would pass: the last term first
        // gives other bits.
        std::vector<float> reordered(terms.end() - static_cast<std::ptrdiff_t>(n), terms.end());
        reordered.insert(reordered.end(), terms.begin(), terms.end() - static_cast<std::ptrdiff_t>(n));
        const std::vector<float> other = fold(reordered, n);
        CHECK(std::memcmp(other.data(), expected.data(), n * sizeof(float)) != 0);
      }
    }
  }
  // MPI's end, on success only: a rank that failed above leaves without it,
  // and mpirun then ends the others instead of letting them wait for it.
  Processes::world().finish(0);
}
