// The data-parallel minibatch step (ctgrad/train/data_parallel.hpp) on the
// 1989 LeNet-1: the gradient of the batch's mean loss, no heap allocation in a
// step, and a batch larger than the step was built for refused. (Bits across
// thread counts: test_train_parallel.cpp.)
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "lenet1/train.hpp"
#include "tests/support/counting_allocator.hpp"

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

using TestType = ctgrad::kernels::Simd;

TEST_CASE("a minibatch step leaves the gradient of the batch's mean loss", "[train][batch]") {
  for (std::size_t batch : {24u, 11u}) {
    const auto indices = shuffled(batch, 9);
    const auto [batched, batched_loss] = step_on<Classic, TestType>(2, indices);
    // The same examples one at a time through a per-example graph.
    auto params = std::make_unique<Params>();
    initialize(*params, 5);
    auto loss = training_loss(*params);
    auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
    double loss_sum = 0;
    for (std::size_t index : indices) {
      load_example<Model<Classic>>(*graph, 0, example_image(sample_split(), index), sample_split().labels[index]);
      graph->forward();
      graph->backward();
      loss_sum += graph->loss();
    }
    const auto summed = gradients_of(*params);
    INFO("batch " << batch);
    CHECK(batched_loss == Approx(loss_sum / batch).epsilon(1e-5));
    double difference = 0, norm = 0;
    for (std::size_t i = 0; i < summed.size(); ++i) {
      const double mean = summed[i] / static_cast<double>(batch);
      difference += (batched[i] - mean) * (batched[i] - mean);
      norm += mean * mean;
    }
    REQUIRE(norm > 0);
    CHECK(std::sqrt(difference / norm) < 1e-5);
  }
}

TEST_CASE("a minibatch step on two threads, with its SGD update, makes no heap allocation", "[train][batch]") {
  auto params = std::make_unique<Params>();
  initialize(*params, 5);
  ThreadPool pool(2);
  DataParallelStep<Model<Classic>, ctgrad::kernels::Simd> step(32, 0.f, pool);
  std::mt19937 noise(1);
  const auto full = shuffled(32, 1);
  const auto partial = shuffled(27, 2);  // a pass's last, smaller batch
  step.run(*params, sample_split(), full, false, noise);  // warm-up
  const std::size_t before = ctgrad::testing::allocation_count.load();
  for (int i = 0; i < 5; ++i) {
    step.run(*params, sample_split(), i % 2 ? partial : full, false, noise);
    ctgrad::sgd_step<ctgrad::kernels::Simd>(*params, 0.01f);
  }
  CHECK(ctgrad::testing::allocation_count.load() == before);
  std::vector<int> probe(3);  // the counter works
  REQUIRE(ctgrad::testing::allocation_count.load() > before);
}

TEST_CASE("a minibatch step refuses more examples than it was built for", "[train][batch]") {
  auto params = std::make_unique<Params>();
  ThreadPool pool(1);
  DataParallelStep<Model<Classic>, ctgrad::kernels::Simd> step(8, 0.f, pool);
  std::mt19937 noise(1);
  const auto too_many = shuffled(16, 1);
  REQUIRE_THROWS_WITH(step.run(*params, sample_split(), too_many, false, noise),
                      Catch::Contains("more than the batch it was built for"));
}
