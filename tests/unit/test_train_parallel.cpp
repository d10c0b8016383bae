// The data-parallel minibatch step (ctgrad/train/data_parallel.hpp) on real
// LeNet-1 graphs, with and without dropout and shifts: the same bits on any
// number of threads. (The gradient it leaves, allocations:
// test_train_batch_step.cpp.)
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "lenet1/train.hpp"

namespace {

using namespace lenet1;
using ctgrad::training::DataParallelStep;
using ctgrad::training::ThreadPool;

// 64 random images with labels.
const Split& sample_split() {
  static const Split split = [] {
    Split s;
    std::mt19937 rng(3);
    s.images.resize(64 * image_size);
    s.labels.resize(64);
    for (float& v : s.images) v = ctgrad::uniform01(rng) * 2.f - 1.f;
    for (auto& label : s.labels) label = static_cast<std::uint8_t>(rng() % 10);
    return s;
  }();
  return split;
}

std::vector<std::size_t> shuffled(std::size_t count, std::uint32_t seed) {
  std::vector<std::size_t> order(sample_split().count());
  ctgrad::training::shuffled_order(order, seed, 0);
  order.resize(count);
  return order;
}

template <class P>
std::vector<float> gradients_of(P& params) {
  std::vector<float> all;
  ctgrad::for_each_parameter(params, [&](auto& p) { all.insert(all.end(), p.grad.begin(), p.grad.end()); });
  return all;
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
  const float loss = step.run(*params, sample_split(), indices, modern, noise);
  return {gradients_of(*params), loss};
}

}  // namespace

// The sharding and the reduction do not depend on the kernel path (its
// batched kernels are checked op by op in test_gradcheck_batch_*), so the
// SIMD path alone keeps this file's compile time in bounds.
using TestType = ctgrad::kernels::Simd;

TEST_CASE("a minibatch step gives the same bits on 1, 2 and 3 threads", "[train][batch]") {
  // 32: four shards of 8; 13: one of 8 and five single examples; 3: singles only.
  // Modern: dropout masks and shifts drawn per shard, the hardest case.
  for (std::size_t batch : {32u, 13u, 3u}) {
    const auto indices = shuffled(batch, 7);
    const auto [one, one_loss] = step_on<Modern, TestType>(1, indices);
    for (unsigned threads : {2u, 3u}) {
      INFO("batch " << batch << ", threads " << threads);
      const auto [more, more_loss] = step_on<Modern, TestType>(threads, indices);
      REQUIRE(std::memcmp(more.data(), one.data(), one.size() * sizeof(float)) == 0);
      REQUIRE(more_loss == one_loss);
    }
    // Not a vacuous comparison: the gradient is not zero.
    REQUIRE(std::any_of(one.begin(), one.end(), [](float g) { return g != 0.f; }));
  }
}
