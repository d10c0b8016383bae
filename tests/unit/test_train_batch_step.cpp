// The data-parallel minibatch step (ctgrad/train/data_parallel.hpp) on the
// 1989 LeNet-1: the gradient of the batch's mean loss, no heap allocation in a
// step, and a batch larger than the step was built for refused. (Bits across
// thread counts: test_train_parallel.cpp.)
#include <cstring>

#include <catch2/catch.hpp>

#include "tests/support/lenet1_steps.hpp"
#include "tests/support/counting_allocator.hpp"

using namespace ctgrad::testing::lenet1_steps;

using TestType = ctgrad::kernels::Selected;

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
      load_example<Model<Classic>>(*graph, 0, example<Model<Classic>>(sample_split(), index), sample_split().labels[index]);
      graph->forward();
      graph->backward();
      loss_sum += graph->loss();
    }
    const auto summed = ctgrad::testing::all_gradients(*params);
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
  DataParallelStep<Model<Classic>, ctgrad::kernels::Selected> step(32, 0.f, pool);
  std::mt19937 noise(1);
  const auto full = shuffled(32, 1);
  const auto partial = shuffled(27, 2);  // a pass's last, smaller batch
  step.run(*params, sample_split(), full, 0, noise);  // warm-up
  const std::size_t before = ctgrad::testing::allocation_count.load();
  for (int i = 0; i < 5; ++i) {
    step.run(*params, sample_split(), i % 2 ? partial : full, 0, noise);
    ctgrad::sgd_step<ctgrad::kernels::Selected>(*params, 0.01f);
  }
  CHECK(ctgrad::testing::allocation_count.load() == before);
  std::vector<int> probe(3);  // the counter works
  REQUIRE(ctgrad::testing::allocation_count.load() > before);
}

TEST_CASE("a minibatch step refuses more examples than it was built for", "[train][batch]") {
  auto params = std::make_unique<Params>();
  ThreadPool pool(1);
  DataParallelStep<Model<Classic>, ctgrad::kernels::Selected> step(8, 0.f, pool);
  std::mt19937 noise(1);
  const auto too_many = shuffled(16, 1);
  REQUIRE_THROWS_WITH(step.run(*params, sample_split(), too_many, 0, noise),
                      Catch::Contains("more than the batch it was built for"));
}
