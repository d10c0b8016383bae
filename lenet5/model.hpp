#pragma once
// LeNet-5 (LeCun, Bottou, Bengio and Haffner 1998, "Gradient-based learning
// applied to document recognition", section II.B) as a forward expression,
// built from the library's ops only:
//
//   input 28x28 in [-1, 1] (background -1, as lenet5 prepare and lenet1
//   prepare write it), normalized, then padded by 2 to the paper's 32x32
//   with the background's value: the paper's variant maps background to
//   -0.1 and ink to 1.175 (mean about 0, variance about 1, section II.B),
//   the modern one keeps [-1, 1] (PyTorch's Normalize(0.5, 0.5))
//   C1  6@28x28   5x5 convolution, a bias per plane
//   S2  6@14x14   2x2 subsampling: window sum x coefficient + bias, per plane
//   C3 16@10x10   5x5 convolution on the paper's Table I: maps 0-5 read 3
//                 neighbouring S2 maps, 6-11 four neighbouring ones, 12-14 four
//                 non-adjacent ones, 15 all six
//   S4 16@5x5     as S2
//   C5 120        5x5 convolution on all 16 maps (1x1 output: a full layer)
//   F6 84, output 10
//
// C3 is a concatenation of three table convolutions, one per fan-in (3, 4
// and 6 input maps), rather than one ragged table: ctgrad's tables give every
// output plane the same number of input planes, which keeps each weight a
// dense [outputs, fan-in, 5, 5] tensor and the kernels' loops of fixed
// length. The three convolutions read the same S2 node, so its gradient is
// their sum; the concatenation puts maps 0-5, 6-14 and 15 in Table I's order.
//
// Variants: the paper's (the scaled tanh 1.7159 tanh(2a/3) everywhere,
// trainable subsampling, mean squared error to +-1 targets on a linear output
// layer) and a modern one (ReLU, max pooling, softmax cross-entropy). The
// paper's output layer is 10 Euclidean RBF units on fixed 7x12 bitmap codes;
// ours is a trained linear layer (84 x 10 + 10), which is where the counts
// differ from the paper's (the summary test, tests/unit/test_lenet5_model.cpp).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <type_traits>

#include <ctgrad/ctgrad.hpp>

#include "lenet5/variants.hpp"

namespace lenet5 {

using namespace ctgrad;

using Image = Shape<1, 28, 28>;
using Scores = Shape<10>;

// Table I, split by fan-in: each row the S2 maps one C3 map reads.
struct C3ReadsThree {  // C3 maps 0-5
  static constexpr std::array<std::array<std::size_t, 3>, 6> planes = {
      {{0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {0, 4, 5}, {0, 1, 5}}};
};
struct C3ReadsFour {  // C3 maps 6-11 (neighbours) and 12-14 (not)
  static constexpr std::array<std::array<std::size_t, 4>, 9> planes = {{{0, 1, 2, 3},
                                                                         {1, 2, 3, 4},
                                                                         {2, 3, 4, 5},
                                                                         {0, 3, 4, 5},
                                                                         {0, 1, 4, 5},
                                                                         {0, 1, 2, 5},
                                                                         {0, 1, 3, 4},
                                                                         {1, 2, 4, 5},
                                                                         {0, 2, 3, 5}}};
};

// The paper's parameters; the modern variant's (below) lack the two
// subsampling coefficients, which max pooling does not have.
struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params,
                           (Parameter<Shape<6, 1, 5, 5>, "c1w">, c1w), (Parameter<Shape<6>, "c1b">, c1b),
                           (Parameter<Shape<6>, "s2w">, s2w), (Parameter<Shape<6>, "s2b">, s2b),
                           (Parameter<Shape<6, 3, 5, 5>, "c3w3">, c3w3),
                           (Parameter<Shape<9, 4, 5, 5>, "c3w4">, c3w4),
                           (Parameter<Shape<1, 6, 5, 5>, "c3w6">, c3w6), (Parameter<Shape<16>, "c3b">, c3b),
                           (Parameter<Shape<16>, "s4w">, s4w), (Parameter<Shape<16>, "s4b">, s4b),
                           (Parameter<Shape<120, 16, 5, 5>, "c5w">, c5w), (Parameter<Shape<120>, "c5b">, c5b),
                           (Parameter<Shape<120, 84>, "f6w">, f6w), (Parameter<Shape<84>, "f6b">, f6b),
                           (Parameter<Shape<84, 10>, "outw">, outw), (Parameter<Shape<10>, "outb">, outb));
};
struct ModernParams {
  BOOST_HANA_DEFINE_STRUCT(ModernParams,
                           (Parameter<Shape<6, 1, 5, 5>, "c1w">, c1w), (Parameter<Shape<6>, "c1b">, c1b),
                           (Parameter<Shape<6>, "s2b">, s2b),
                           (Parameter<Shape<6, 3, 5, 5>, "c3w3">, c3w3),
                           (Parameter<Shape<9, 4, 5, 5>, "c3w4">, c3w4),
                           (Parameter<Shape<1, 6, 5, 5>, "c3w6">, c3w6), (Parameter<Shape<16>, "c3b">, c3b),
                           (Parameter<Shape<16>, "s4b">, s4b),
                           (Parameter<Shape<120, 16, 5, 5>, "c5w">, c5w), (Parameter<Shape<120>, "c5b">, c5b),
                           (Parameter<Shape<120, 84>, "f6w">, f6w), (Parameter<Shape<84>, "f6b">, f6b),
                           (Parameter<Shape<84, 10>, "outw">, outw), (Parameter<Shape<10>, "outb">, outb));
};

// Each variant's parameters (the variants: lenet5/variants.hpp).
template <class Variant>
using params_of = std::conditional_t<Variant::modern, ModernParams, Params>;

template <class Variant = Paper>
auto network(params_of<Variant>& p) {
  auto squash = [](auto&& a) {
    if constexpr (Variant::modern)
      return relu(a);
    else
      return 1.7159f * tanh((2.f / 3.f) * a);  // the paper's f(a) = A tanh(S a), appendix A
  };
  // S2 and S4: the paper's subsampling (window sum x coefficient), or max
  // pooling, then a bias per plane.
  auto s2 = [&](auto&& x) {
    if constexpr (Variant::modern)
      return plane_bias(max_pool<2>(x), p.s2b);
    else
      return plane_bias(subsample<2>(x, p.s2w), p.s2b);
  };
  auto s4 = [&](auto&& x) {
    if constexpr (Variant::modern)
      return plane_bias(max_pool<2>(x), p.s4b);
    else
      return plane_bias(subsample<2>(x, p.s4w), p.s4b);
  };
  auto image = [] {
    if constexpr (Variant::modern)
      return pad<2>(input<Image>(), -1.f);
    else  // [-1, 1] onto [-0.1, 1.175]
      return pad<2>(0.6375f * input<Image>() + 0.5375f, -0.1f);
  }();
  auto c1 = squash(plane_bias(conv2d<1>(image, p.c1w), p.c1b));
  auto s2_maps = squash(s2(c1));
  auto c3_maps = concat(concat(conv2d<1, C3ReadsThree>(s2_maps, p.c3w3), conv2d<1, C3ReadsFour>(s2_maps, p.c3w4)),
                        conv2d<1>(s2_maps, p.c3w6));
  auto c3 = squash(plane_bias(c3_maps, p.c3b));
  auto s4_maps = squash(s4(c3));
  auto c5 = squash(plane_bias(conv2d<1>(s4_maps, p.c5w), p.c5b));
  auto f6 = squash(matmul(flatten(c5), p.f6w) + p.f6b);
  return matmul(f6, p.outw) + p.outb;
}

template <class Variant = Paper>
auto training_loss(params_of<Variant>& p) {
  if constexpr (Variant::modern)
    return cross_entropy(network<Variant>(p), target<Scores>());
  else
    return mse(network<Variant>(p), target<Scores>());
}

// Weights uniform in +-2.4/F (F the fan-in, the 1998 paper's appendix A:
// F, not sqrt(F)) for the paper's variant, +-1/sqrt(F) for the modern one
// (PyTorch's default bound); the subsampling coefficients as weights of fan-in 4
// (the window they scale); biases 0. Drawn in declaration order.
template <class Variant>
void initialize(params_of<Variant>& p, std::uint32_t seed) {
  std::mt19937 rng(seed);
  for (const ctgrad::ParameterRef& parameter : ctgrad::parameter_refs(p)) {
    const std::string_view name = parameter.name;
    const bool coefficient = name == "s2w" || name == "s4w";
    const std::size_t inputs = coefficient ? 4 : ctgrad::fan_in(parameter.dims);
    std::fill(parameter.value.begin(), parameter.value.end(), 0.f);
    std::fill(parameter.grad.begin(), parameter.grad.end(), 0.f);
    if (inputs == 0) continue;  // a bias
    const float bound = Variant::modern ? 1.f / std::sqrt(static_cast<float>(inputs))
                                        : 2.4f / static_cast<float>(inputs);
    for (float& weight : parameter.value) weight = (uniform01(rng) * 2.f - 1.f) * bound;
  }
}

}  // namespace lenet5
