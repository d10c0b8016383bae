// A full LeNet-1 training step: no heap allocation, and the scalar and SIMD
// kernel paths agree on it.
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>

#include <catch2/catch.hpp>

#include "lenet1/instances.hpp"

#include "tests/support/counting_allocator.hpp"
#include "tests/support/kernel_check.hpp"

namespace {

using namespace lenet1;

// A digit-like image: background -1 with a bright bar, so activations vary.
std::array<float, image_size> sample_image(std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::array<float, image_size> image;
  for (float& v : image) v = -1.f + 0.2f * ctgrad::uniform01(rng);
  for (std::size_t row = 3; row < 13; ++row) image[row * 16 + 7] = image[row * 16 + 8] = 1.f;
  return image;
}

template <class Params>
double relative_difference(const Params& a, const Params& b, bool gradients) {
  double diff = 0, norm = 0;
  std::vector<std::pair<const float*, std::size_t>> left, right;
  for (const ConstParameterRef& p : parameter_refs(a)) left.emplace_back((gradients ? p.grad : p.value).data(), p.value.size());
  for (const ConstParameterRef& p : parameter_refs(b)) right.emplace_back((gradients ? p.grad : p.value).data(), p.value.size());
  for (std::size_t t = 0; t < left.size(); ++t)
    for (std::size_t i = 0; i < left[t].second; ++i) {
      const double d = left[t].first[i] - right[t].first[i];
      diff += d * d;
      norm += double(left[t].first[i]) * left[t].first[i];
    }
  return std::sqrt(diff / norm);
}

}  // namespace

TEST_CASE("a LeNet-1 training step makes no heap allocation", "[lenet1]") {
  using TestType = ctgrad::kernels::Selected;
  const ctgrad::testing::SelectedSet set(*GENERATE(from_range(ctgrad::testing::sets_here())));
  INFO("kernel set " << set.name());
  auto params = std::make_unique<Params>();
  initialize(*params, 7);
  auto loss = training_loss(*params);
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  const auto image = sample_image(1);
  train_step<TestType>(*graph, *params, image, 3, 0.03f);  // warm-up

  const std::size_t before = ctgrad::testing::allocation_count.load();
  for (std::uint8_t label = 0; label < 10; ++label) train_step<TestType>(*graph, *params, image, label, 0.03f);
  const std::size_t during = ctgrad::testing::allocation_count.load() - before;
  REQUIRE(during == 0);

  // The counter works: a vector allocates.
  std::vector<int> probe(3);
  REQUIRE(ctgrad::testing::allocation_count.load() > before);
}

TEST_CASE("scalar and SIMD paths agree on a full LeNet-1 step", "[lenet1]") {
  // One compiled graph type, run on the scalar set and on each SIMD set.
  using ctgrad::kernels::select_kernels;
  const ctgrad::kernels::KernelTable& simd = *GENERATE(from_range(ctgrad::testing::simd_sets_here()));
  const ctgrad::testing::SelectedSet restore(simd);
  INFO("kernel set " << simd.name);
  const auto on_scalar = [] { select_kernels(ctgrad::kernels::scalar_kernels()); };
  const auto on_simd = [&] { select_kernels(simd); };
  auto scalar_params = std::make_unique<Params>();
  auto simd_params = std::make_unique<Params>();
  initialize(*scalar_params, 11);
  initialize(*simd_params, 11);
  auto scalar_loss = training_loss(*scalar_params);
  auto simd_loss = training_loss(*simd_params);
  auto scalar_graph = std::make_unique<Graph<decltype(scalar_loss), ctgrad::kernels::Selected>>(scalar_loss);
  auto simd_graph = std::make_unique<Graph<decltype(simd_loss), ctgrad::kernels::Selected>>(simd_loss);

  for (std::uint32_t example = 0; example < 5; ++example) {
    const auto image = sample_image(100 + example);
    const auto label = static_cast<std::uint8_t>(example * 3 % 10);
    load_example<Model<Classic>>(*scalar_graph, 0, image, label);
    load_example<Model<Classic>>(*simd_graph, 0, image, label);
    on_scalar();
    scalar_graph->forward();
    scalar_graph->backward();
    on_simd();
    simd_graph->forward();
    simd_graph->backward();
    INFO("example " << example);
    REQUIRE(simd_graph->loss() == Approx(scalar_graph->loss()).epsilon(1e-5));
    REQUIRE(relative_difference(*scalar_params, *simd_params, true) <= 1e-5);
    on_scalar();
    ctgrad::sgd_step<ctgrad::kernels::Selected>(*scalar_params, 0.03f);
    on_simd();
    ctgrad::sgd_step<ctgrad::kernels::Selected>(*simd_params, 0.03f);
    REQUIRE(relative_difference(*scalar_params, *simd_params, false) <= 1e-5);
  }
}
