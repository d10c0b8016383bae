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
#include "ctgrad/train/results.hpp"

namespace ctgrad::training {

inline std::size_t argmax(const float* scores, std::size_t n) {
  return static_cast<std::size_t>(std::max_element(scores, scores + n) - scores);
}

// Forward passes over a split, spread over `threads` threads, each with its own
// graph (dropout off). Per-example losses are summed in example order
// afterwards, so the result does not depend on the thread count. If
// `predictions` is given, it receives each example's predicted class; if
// `scores` is, each example's Model::classes scores (the network's output),
// example after example.
template <TrainableModel Model, class K>
EvalResult evaluate(typename Model::params_type& params, const Split& split, unsigned threads,
                    std::vector<std::uint32_t>* predictions = nullptr, std::vector<float>* scores = nullptr) {
  check_model<Model>();
  const std::size_t count = split.count();
  std::vector<float> losses(count);
  std::vector<std::uint32_t> predicted(count);
  if (scores) scores->assign(count * Model::classes, 0.f);
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(count, 1))));
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
  const std::size_t chunk = (count + threads - 1) / threads;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(work, std::min(count, t * chunk), std::min(count, (t + 1) * chunk));
  work(0, std::min(count, chunk));
  for (auto& thread : pool) thread.join();

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

}  // namespace ctgrad::training
