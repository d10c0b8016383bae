// The data-parallel minibatch step (ctgrad/train/data_parallel.hpp) on the
// modern LeNet-1, dropout and shifts included: the same bits on any number of
// threads. (The gradient it leaves, allocations:
// test_train_batch_step.cpp.)
#include <cstring>

#include <catch2/catch.hpp>

#include "tests/support/lenet1_steps.hpp"

using namespace ctgrad::testing::lenet1_steps;

// The sharding and the reduction do not depend on the kernel path (its
// batched kernels are checked op by op in test_gradcheck_batch_*), so the
// SIMD path alone keeps this file's compile time in bounds.
using TestType = ctgrad::kernels::Selected;

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
