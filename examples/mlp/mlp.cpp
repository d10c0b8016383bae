// A new architecture from existing ops: a 256-64-10 multilayer perceptron with
// the LeakyRelu op of leaky_relu.hpp, cross-entropy and AdamW, trained on the
// same 16x16 digits as lenet1. Usage: mlp DATA_DIR [PASSES]
// Errors are one line naming the argument or file; the exit status is 2 for a
// usage error (a missing folder, a bad PASSES) and 1 for a bad file.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/data/dataset.hpp>

#include "leaky_relu.hpp"

using namespace ctgrad;

struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params, (Parameter<Shape<256, 64>, "w1">, w1), (Parameter<Shape<64>, "b1">, b1),
                           (Parameter<Shape<64, 10>, "w2">, w2), (Parameter<Shape<10>, "b2">, b2));
};

auto network(Params& p) {
  auto hidden = mlp::leaky_relu(matmul(flatten(input<Shape<1, 16, 16>>()), p.w1) + p.b1);
  return matmul(hidden, p.w2) + p.b2;
}

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int train(const std::filesystem::path& data, int passes) {
  if (!std::filesystem::is_directory(data))
    throw UsageError("DATA_DIR: expected a folder of prepared digits (run `lenet1 prepare`), found no folder " +
                     data.string());
  // io::Error names a missing file, or one of another shape than 1x16x16 or labels outside 0..9.
  const std::array<std::size_t, 3> digit = {1, 16, 16};
  const data::Split train_split = data::load_split(data, "train", digit, 10);
  const data::Split test_split = data::load_split(data, "test", digit, 10);

  auto p = std::make_unique<Params>();
  std::mt19937 rng(1);
  init_uniform_fan_in(*p, rng, 1.f);
  auto loss = cross_entropy(network(*p), target<Shape<10>>());
  using G = Graph<decltype(loss)>;
  auto graph = std::make_unique<G>(loss);
  auto optimizer = std::make_unique<AdamW<Params>>();
  print_summary<G>(std::cout);
  std::cout << "kernels: " << G::kernels::set() << " (" << G::kernels::arch() << ")\n";

  // Writes example i into the graph; returns its label.
  auto load = [&](const data::Split& split, std::size_t i) {
    std::copy_n(split.images.data() + i * 256, 256, input<"x">(*graph).data());
    target(*graph).fill(0.f);
    target(*graph)[split.labels[i]] = 1.f;
    return split.labels[i];
  };
  for (int pass = 1; pass <= passes; ++pass) {
    for (std::size_t i = 0; i < train_split.count(); ++i) {
      load(train_split, i);
      graph->forward();
      graph->backward();
      optimizer->step(*p, 1e-3f);
    }
    std::size_t misses = 0;
    for (std::size_t i = 0; i < test_split.count(); ++i) {
      const auto label = load(test_split, i);
      graph->forward();
      const auto& scores = graph->value(network(*p));
      misses += std::max_element(scores.begin(), scores.end()) - scores.begin() != label;
    }
    std::printf("pass %d: test error %.2f%%\n", pass, 100.0 * misses / test_split.count());
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) return std::fprintf(stderr, "usage: mlp DATA_DIR [PASSES]\n"), 2;
  int passes = 5;
  if (argc > 2) {
    const std::string text = argv[2];
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), passes);
    if (error != std::errc{} || end != text.data() + text.size() || passes < 1)
      return std::fprintf(stderr, "mlp: PASSES: expected a whole number of at least 1, found '%s'\n", argv[2]), 2;
  }
  try {
    return train(argv[1], passes);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "mlp: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {  // io::Error: "<file>: expected ..., found ..."
    std::fprintf(stderr, "mlp: %s\n", error.what());
    return 1;
  }
}
