#pragma once
// Training and evaluation of LeNet-1. The step is what the paper and the
// reproduction do: one example, MSE to +-1 targets, plain SGD.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <numeric>
#include <span>
#include <thread>
#include <vector>

#include "lenet1/dataset.hpp"
#include "lenet1/model.hpp"

namespace lenet1 {

inline constexpr std::size_t image_size = Image::size;

// The input and the +1/-1 target of one example, written into a graph.
template <class G>
void load_example(G& graph, std::span<const float, image_size> image, std::uint8_t label) {
  std::copy(image.begin(), image.end(), graph.template input<"x">().begin());
  auto& target = graph.template input<"target">();
  target.fill(-1.f);
  target[label] = 1.f;
}

// One per-example SGD step; returns the example's loss. No heap allocation.
template <class K, class G>
float train_step(G& graph, Params& params, std::span<const float, image_size> image, std::uint8_t label,
                 float learning_rate) {
  load_example(graph, image, label);
  graph.forward();
  graph.backward();
  sgd_step<K>(params, learning_rate);
  return graph.loss();
}

inline std::span<const float, image_size> example_image(const Split& split, std::size_t index) {
  return std::span<const float, image_size>(split.images.data() + index * image_size, image_size);
}

struct EvalResult {
  double loss = 0;  // mean over examples and outputs of the squared error
  std::size_t misses = 0;
  std::size_t count = 0;
  double error_percent() const { return count ? 100.0 * static_cast<double>(misses) / static_cast<double>(count) : 0; }
};

inline std::size_t argmax(const float* scores, std::size_t n) {
  return static_cast<std::size_t>(std::max_element(scores, scores + n) - scores);
}

// Forward passes over a split, spread over `threads` threads, each with its own
// graph. Per-example losses are summed in example order afterwards, so the
// result does not depend on the thread count.
template <class K>
EvalResult evaluate(Params& params, const Split& split, unsigned threads) {
  const std::size_t count = split.count();
  std::vector<float> losses(count);
  std::vector<std::uint8_t> missed(count);
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(count, 1))));
  auto work = [&](std::size_t begin, std::size_t end) {
    auto expression = training_loss(params);
    auto graph = std::make_unique<Graph<decltype(expression), K>>(expression);
    auto output = network(params);
    for (std::size_t i = begin; i < end; ++i) {
      load_example(*graph, example_image(split, i), split.labels[i]);
      graph->forward();
      losses[i] = graph->loss();
      missed[i] = argmax(graph->value(output).data(), Scores::size) != split.labels[i];
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
    result.misses += missed[i];
  }
  result.loss = count ? total / static_cast<double>(count) : 0;
  return result;
}

// The reference's eval line, byte for byte: "eval: split train. loss 4.073383e-03. error 0.62%. misses: 45"
inline void print_eval(std::FILE* out, const char* split_name, const EvalResult& result) {
  std::fprintf(out, "eval: split %-5s. loss %e. error %.2f%%. misses: %zu\n", split_name, result.loss,
               result.error_percent(), result.misses);
}

}  // namespace lenet1
