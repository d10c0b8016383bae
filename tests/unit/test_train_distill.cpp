// Distillation targets (ctgrad/train/distill.hpp) on a modern LeNet-1 as the
// teacher: each row is (1 - w) onehot(label) + w q, q the teacher's class
// (T = 0) or its softmax at temperature T, for any thread count; the
// trainer's input writer puts a row into the graph's target; and the loss
// on a row is (1 - w) times the label's cross-entropy plus w times the
// teacher's, the objective docs/results.md describes.
#include <cmath>
#include <memory>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/lenet1_steps.hpp"

using namespace ctgrad::testing::lenet1_steps;
using ctgrad::train::distillation_targets;
using ctgrad::train::evaluate;
using Teacher = Model<Modern>;
using K = ctgrad::kernels::Selected;

namespace {
std::unique_ptr<Params> teacher_params() {
  auto params = std::make_unique<Params>();
  initialize(*params, 7, 0.f);
  return params;
}
}  // namespace

TEST_CASE("distillation targets mix the label and the teacher's class or softmax", "[train][distill]") {
  auto teacher = teacher_params();
  const Split& split = sample_split();
  std::vector<float> scores;
  std::vector<std::uint32_t> predicted;
  evaluate<Teacher, K>(*teacher, split, 1, &predicted, &scores);
  REQUIRE(scores.size() == split.count() * 10);

  SECTION("weight 0: the one-hot labels") {
    const auto t = distillation_targets<Teacher, K>(*teacher, split, 0.0, 0.0, 2);
    for (std::size_t i = 0; i < split.count(); ++i)
      for (std::size_t c = 0; c < 10; ++c) CHECK(t[i * 10 + c] == (c == split.labels[i] ? 1.f : 0.f));
  }
  SECTION("temperature 0: half the label, half the teacher's class") {
    const auto t = distillation_targets<Teacher, K>(*teacher, split, 0.5, 0.0, 2);
    std::size_t disagreements = 0;
    for (std::size_t i = 0; i < split.count(); ++i) {
      disagreements += predicted[i] != split.labels[i];
      for (std::size_t c = 0; c < 10; ++c) {
        const float expected = 0.5f * (c == split.labels[i]) + 0.5f * (c == predicted[i]);
        CHECK(t[i * 10 + c] == expected);
      }
    }
    CHECK(disagreements > 0);  // random labels: the test can tell the two halves apart
  }
  SECTION("temperature 3: the label's share plus the softened teacher, summing to 1") {
    const auto t = distillation_targets<Teacher, K>(*teacher, split, 0.25, 3.0, 2);
    for (std::size_t i = 0; i < split.count(); ++i) {
      double sum = 0, normaliser = 0;
      for (std::size_t c = 0; c < 10; ++c) normaliser += std::exp(scores[i * 10 + c] / 3.0);
      for (std::size_t c = 0; c < 10; ++c) {
        const double q = std::exp(scores[i * 10 + c] / 3.0) / normaliser;
        CHECK(t[i * 10 + c] == Approx(0.75 * (c == split.labels[i]) + 0.25 * q).margin(1e-6));
        sum += t[i * 10 + c];
      }
      CHECK(sum == Approx(1).margin(1e-6));
    }
  }
  SECTION("the same targets for any thread count") {
    CHECK(distillation_targets<Teacher, K>(*teacher, split, 0.5, 2.0, 1) ==
          distillation_targets<Teacher, K>(*teacher, split, 0.5, 2.0, 3));
  }
}

TEST_CASE("a soft target reaches the graph, and its loss is the mix of the two cross-entropies", "[train][distill]") {
  auto student = std::make_unique<Params>();
  initialize(*student, 5, 0.f);
  auto loss = training_loss<Modern>(*student);
  auto graph = std::make_unique<Graph<decltype(loss), K>>(loss);
  const Split& split = sample_split();
  const auto image = example<Teacher>(split, 3);
  const std::uint32_t label = split.labels[3], other = (label + 4) % 10;
  auto loss_for = [&](const float* soft) {
    load_example<Teacher>(*graph, 0, image, label, soft);
    graph->forward();
    return graph->loss();
  };
  std::vector<float> teacher_class(10, 0.f), mixed(10, 0.f);
  teacher_class[other] = 1.f;
  mixed[label] = 0.7f;
  mixed[other] = 0.3f;
  const float on_label = loss_for(nullptr), on_teacher = loss_for(teacher_class.data());
  const float on_mixed = loss_for(mixed.data());
  for (std::size_t c = 0; c < 10; ++c) CHECK(graph->input<"target">()[c] == mixed[c]);
  CHECK(on_label != Approx(on_teacher));
  CHECK(on_mixed == Approx(0.7f * on_label + 0.3f * on_teacher).epsilon(1e-5));
}
