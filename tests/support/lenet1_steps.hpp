#pragma once
// What the minibatch-step tests (test_train_parallel.cpp,
// test_train_batch_step.cpp) share: 64 random LeNet-1 examples, a shuffled
// pick of them, and one DataParallelStep of a LeNet-1 variant.
#include <memory>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include "lenet1/instances.hpp"
#include "tests/support/gradcheck.hpp"

namespace ctgrad::testing::lenet1_steps {

using namespace lenet1;
using ctgrad::train::DataParallelStep;
using ctgrad::train::ThreadPool;

// 64 random images with labels.
inline const Split& sample_split() {
  static const Split split = [] {
    Split s;
    s.example_shape = {1, 16, 16};
    std::mt19937 rng(3);
    s.images.resize(64 * image_size);
    s.labels.resize(64);
    for (float& v : s.images) v = ctgrad::uniform01(rng) * 2.f - 1.f;
    for (auto& label : s.labels) label = static_cast<std::uint32_t>(rng() % 10);
    return s;
  }();
  return split;
}

inline std::vector<std::size_t> shuffled(std::size_t count, std::uint32_t seed) {
  std::vector<std::size_t> order(sample_split().count());
  ctgrad::train::shuffled_order(order, seed, 0);
  order.resize(count);
  return order;
}

// One step of `Variant` with dropout and shifts where the variant has them,
// on `threads` threads: the gradient it leaves and the loss.
template <class Variant, class K>
std::pair<std::vector<float>, float> step_on(unsigned threads, std::span<const std::size_t> indices) {
  auto params = std::make_unique<Params>();
  initialize(*params, 5, Variant::cross_entropy ? 0.f : -1.f);
  const bool modern = std::is_same_v<Variant, Modern>;
  ThreadPool pool(threads);
  DataParallelStep<Model<Variant>, K> step(indices.size(), modern ? 0.25f : 0.f, pool);
  std::mt19937 noise(11);
  const float loss = step.run(*params, sample_split(), indices, modern ? 1 : 0, noise);
  return {ctgrad::testing::all_gradients(*params), loss};
}

}  // namespace ctgrad::testing::lenet1_steps
