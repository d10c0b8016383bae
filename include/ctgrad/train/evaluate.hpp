#pragma once
// A model's loss and error rate over a split, on all cores, with the same
// numbers for any thread count; and the reference's eval line.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "ctgrad/graph/compile.hpp"
#include "ctgrad/train/model.hpp"
#include "ctgrad/train/processes.hpp"
#include "ctgrad/train/results.hpp"

namespace ctgrad::train {

inline std::size_t argmax(const float* scores, std::size_t n) {
  return static_cast<std::size_t>(std::max_element(scores, scores + n) - scores);
}

// Forward passes over a split, spread over `threads` threads, each with its own
// graph (dropout off). Per-example losses are summed in example order
// afterwards, so the result does not depend on the thread count. If
// `predictions` is given, it receives each example's predicted class; if
// `scores` is, each example's Model::classes scores (the network's output),
// example after example. Several processes (train/processes.hpp) each take
// a share of the examples and then exchange what they found, so every rank
// returns the same result as one process would.
template <TrainableModel Model, class K>
EvalResult evaluate(typename Model::params_type& params, const Split& split, unsigned threads,
                    std::vector<std::uint32_t>* predictions = nullptr, std::vector<float>* scores = nullptr,
                    const Processes& processes = Processes::world()) {
  check_model<Model>();
  const std::size_t count = split.count();
  const Share mine = share_of(count, processes.rank(), processes.size());
  std::vector<float> losses(count);
  std::vector<std::uint32_t> predicted(count);
  if (scores) scores->assign(count * Model::classes, 0.f);
  const std::size_t own = mine.last - mine.first;
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(own, 1))));
  auto work = [&](std::size_t begin, std::size_t end) {
    auto expression = Model::loss(params, no_dropout, 0.f);
    auto graph = std::make_unique<Graph<decltype(expression), K>>(expression);
    auto output = Model::network(params, no_dropout, 0.f);
    for (std::size_t i = begin; i < end; ++i) {
      load_example<Model>(*graph, 0, example<Model>(split, i), split.labels[i]);
      graph->forward();
      losses[i] = graph->loss();
      const float* values = graph->value(output).data();
      predicted[i] = static_cast<std::uint32_t>(argmax(values, Model::classes));
      if (scores) std::copy(values, values + Model::classes, scores->data() + i * Model::classes);
    }
  };
  std::vector<std::thread> pool;
  const std::size_t chunk = (own + threads - 1) / threads;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(work, mine.first + std::min(own, t * chunk), mine.first + std::min(own, (t + 1) * chunk));
  work(mine.first, mine.first + std::min(own, chunk));
  for (auto& thread : pool) thread.join();
  if (processes.distributed()) {
    // Every rank's examples on every rank: losses, classes (exact as
    // floats), scores.
    std::vector<int> counts(static_cast<std::size_t>(processes.size()));
    auto gather = [&](std::span<float> values, std::size_t per_example) {
      for (int r = 0; r < processes.size(); ++r) {
        const Share theirs = share_of(count, r, processes.size());
        counts[static_cast<std::size_t>(r)] = static_cast<int>((theirs.last - theirs.first) * per_example);
      }
      processes.all_gather(values, counts);
    };
    gather(losses, 1);
    std::vector<float> classes(predicted.begin(), predicted.end());
    gather(classes, 1);
    for (std::size_t i = 0; i < count; ++i) predicted[i] = static_cast<std::uint32_t>(classes[i]);
    if (scores) gather(*scores, Model::classes);
  }

  EvalResult result;
  result.count = count;
  double total = 0;
  for (std::size_t i = 0; i < count; ++i) {
    total += losses[i];
    result.misses += predicted[i] != split.labels[i];
  }
  result.loss = count ? total / static_cast<double>(count) : 0;
  if (predictions) *predictions = std::move(predicted);
  return result;
}

// The reference's eval line, byte for byte: "eval: split train. loss 4.073383e-03. error 0.62%. misses: 45"
inline void print_eval(std::FILE* out, const char* split_name, const EvalResult& result) {
  std::fprintf(out, "eval: split %-5s. loss %e. error %.2f%%. misses: %zu\n", split_name, result.loss,
               result.error_percent(), result.misses);
}

}  // namespace ctgrad::train
