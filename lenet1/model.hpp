#pragma once
// LeCun et al. 1989, "Backpropagation Applied to Handwritten Zip Code
// Recognition", as the published PyTorch reproduction defines it. The model is
// its parameters and a forward expression; ctgrad derives everything else.
#include <array>
#include <random>

#include <ctgrad/ctgrad.hpp>

namespace lenet1 {

using namespace ctgrad;

// H2's sparse connectivity (the paper's section 5.1): output planes 0-3 read
// H1 planes 0-7, planes 4-7 read 4-11, planes 8-11 read 0-3 and 8-11.
struct H2Connections {
  static constexpr std::array<std::array<std::size_t, 8>, 12> planes = {{
      {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
      {4, 5, 6, 7, 8, 9, 10, 11}, {4, 5, 6, 7, 8, 9, 10, 11}, {4, 5, 6, 7, 8, 9, 10, 11}, {4, 5, 6, 7, 8, 9, 10, 11},
      {0, 1, 2, 3, 8, 9, 10, 11}, {0, 1, 2, 3, 8, 9, 10, 11}, {0, 1, 2, 3, 8, 9, 10, 11}, {0, 1, 2, 3, 8, 9, 10, 11},
  }};
};

// Names and shapes are the PyTorch reference's, so checkpoints move between them.
struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params,
                           (Parameter<Shape<12, 1, 5, 5>, "H1w">, H1w),
                           (Parameter<Shape<12, 8, 8>, "H1b">, H1b),  // untied: one bias per unit
                           (Parameter<Shape<12, 8, 5, 5>, "H2w">, H2w),
                           (Parameter<Shape<12, 4, 4>, "H2b">, H2b),
                           (Parameter<Shape<192, 30>, "H3w">, H3w),
                           (Parameter<Shape<30>, "H3b">, H3b),
                           (Parameter<Shape<30, 10>, "outw">, outw),
                           (Parameter<Shape<10>, "outb">, outb));
};

using Image = Shape<1, 16, 16>;
using Scores = Shape<10>;

// -1 padding: the paper's background value, so the border reads as blank paper.
inline auto network(Params& p) {
  auto x = input<Image>();
  auto h1 = tanh(conv2d<2>(pad<2>(x, -1.f), p.H1w) + p.H1b);
  auto h2 = tanh(conv2d<2, H2Connections>(pad<2>(h1, -1.f), p.H2w) + p.H2b);
  auto h3 = tanh(matmul(flatten(h2), p.H3w) + p.H3b);
  return tanh(matmul(h3, p.outw) + p.outb);
}

inline auto training_loss(Params& p) { return mse(network(p), target<Scores>()); }

template <class K>
using TrainingGraph = Graph<decltype(training_loss(std::declval<Params&>())), K>;

// Weights uniform in +-2.4/sqrt(fan-in) (the paper), biases 0, output biases -1
// (the reproduction: every output starts near the -1 target).
inline void initialize(Params& p, std::uint32_t seed) {
  std::mt19937 rng(seed);
  init_uniform_fan_in(p, rng, 2.4f);
  p.outb.value.fill(-1.f);
}

}  // namespace lenet1
