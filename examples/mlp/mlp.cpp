// A new architecture from existing ops: a 256-64-10 multilayer perceptron with
// the LeakyRelu op of leaky_relu.hpp, cross-entropy and AdamW, trained on the
// same 16x16 digits as lenet1. Usage: mlp DATA_DIR [PASSES]
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <random>
#include <string>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/npy.hpp>

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

int main(int argc, char** argv) {
  if (argc < 2) return std::fprintf(stderr, "usage: mlp DATA_DIR [PASSES]\n"), 2;
  const std::string data = argv[1];
  const int passes = argc > 2 ? std::stoi(argv[2]) : 5;
  const auto train_x = io::read_npy<float>(data + "/train_images.npy");
  const auto train_y = io::read_npy<std::uint8_t>(data + "/train_labels.npy");
  const auto test_x = io::read_npy<float>(data + "/test_images.npy");
  const auto test_y = io::read_npy<std::uint8_t>(data + "/test_labels.npy");

  auto p = std::make_unique<Params>();
  std::mt19937 rng(1);
  init_uniform_fan_in(*p, rng, 1.f);
  auto loss = cross_entropy(network(*p), target<Shape<10>>());
  using G = Graph<decltype(loss)>;
  auto graph = std::make_unique<G>(loss);
  auto optimizer = std::make_unique<AdamW<Params>>();
  print_summary<G>(std::cout);

  // Writes example i into the graph; returns its label.
  auto load = [&](const auto& images, const auto& labels, std::size_t i) {
    std::copy_n(images.values.data() + i * 256, 256, graph->input<"x">().data());
    graph->input<"target">().fill(0.f);
    graph->input<"target">()[labels.values[i]] = 1.f;
    return labels.values[i];
  };
  for (int pass = 1; pass <= passes; ++pass) {
    for (std::size_t i = 0; i < train_y.values.size(); ++i) {
      load(train_x, train_y, i);
      graph->forward();
      graph->backward();
      optimizer->step(*p, 1e-3f);
    }
    std::size_t misses = 0;
    for (std::size_t i = 0; i < test_y.values.size(); ++i) {
      const auto label = load(test_x, test_y, i);
      graph->forward();
      const auto& scores = graph->value(network(*p));
      misses += std::max_element(scores.begin(), scores.end()) - scores.begin() != label;
    }
    std::printf("pass %d: test error %.2f%%\n", pass, 100.0 * misses / test_y.values.size());
  }
}
