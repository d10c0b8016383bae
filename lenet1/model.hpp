#pragma once
// LeCun et al. 1989, "Backpropagation Applied to Handwritten Zip Code
// Recognition", as the published PyTorch reproduction defines it. The model is
// its parameters and a forward expression; ctgrad derives everything else.
#include <array>
#include <random>
#include <utility>

#include <ctgrad/ctgrad.hpp>

#include "lenet1/variants.hpp"

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

// The target's value for the classes an example is not: -1 for the paper's
// tanh/MSE outputs, 0 for a cross-entropy probability vector.
template <class Variant>
inline constexpr float off_target = Variant::cross_entropy ? 0.f : -1.f;

template <class Variant, class X>
auto activation(X&& x) {
  if constexpr (Variant::relu)
    return relu(std::forward<X>(x));
  else
    return tanh(std::forward<X>(x));
}

// The two convolutional layers: H1 (12 planes of 8x8) and H2 (12 of 4x4).
// Their expressions are the network's own, so a graph of the network gives
// their values (Graph::value) to whoever shows the feature maps (web/).
// -1 padding: the paper's background value, so the border reads as blank paper.
template <class Variant = Classic>
auto hidden_planes(Params& p) {
  auto h1 = activation<Variant>(conv2d<2>(pad<2>(input<Image>(), -1.f), p.H1w) + p.H1b);
  auto h2 = activation<Variant>(conv2d<2, H2Connections>(pad<2>(h1, -1.f), p.H2w) + p.H2b);
  return std::pair{h1, h2};
}

template <class Variant = Classic>
auto network(Params& p, const DropoutControl& dropout_control = no_dropout, float dropout_probability = 0.f) {
  auto h2 = hidden_planes<Variant>(p).second;
  auto h2_flat = [&] {
    if constexpr (Variant::dropout)
      return dropout(flatten(h2), dropout_probability, dropout_control);
    else
      return flatten(h2);
  }();
  auto h3 = activation<Variant>(matmul(h2_flat, p.H3w) + p.H3b);
  auto scores = matmul(h3, p.outw) + p.outb;
  if constexpr (Variant::output_tanh)
    return tanh(scores);
  else
    return scores;
}

template <class Variant = Classic>
auto training_loss(Params& p, const DropoutControl& dropout_control = no_dropout, float dropout_probability = 0.f) {
  auto scores = network<Variant>(p, dropout_control, dropout_probability);
  if constexpr (Variant::cross_entropy)
    return cross_entropy(scores, target<Scores>());
  else
    return mse(scores, target<Scores>());
}

template <class K, class Variant = Classic>
using TrainingGraph = Graph<decltype(training_loss<Variant>(std::declval<Params&>())), K>;

// Weights uniform in +-2.4/sqrt(fan-in) (the paper), biases 0, output biases
// -1 (the reproduction: every tanh output starts near the -1 target; the
// cross-entropy recipes start them at 0).
inline void initialize(Params& p, std::uint32_t seed, float output_bias = -1.f) {
  std::mt19937 rng(seed);
  init_uniform_fan_in(p, rng, 2.4f);
  p.outb.value.fill(output_bias);
}

}  // namespace lenet1
