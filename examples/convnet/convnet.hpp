#pragma once
// A small convnet that uses the ops LeNet-1 does not (docs/extending.md,
// section 3): tied biases (plane_bias, as in LeNet-5), a sigmoid gate
// multiplied in elementwise, planes turned into tokens (reshape, concat with a
// learned summary row), token mixing by softmax(T T^T) (transpose, softmax),
// and a scaled residual (subtract, scale). Gradient-checked on both kernel
// paths by tests/unit/test_tutorial_extending.cpp.
#include <ctgrad/ctgrad.hpp>

namespace convnet {

using namespace ctgrad;

struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params,
                           (Parameter<Shape<4, 1, 5, 5>, "c1w">, c1w), (Parameter<Shape<4>, "c1b">, c1b),
                           (Parameter<Shape<6, 4, 4, 4>, "c2w">, c2w), (Parameter<Shape<6>, "c2b">, c2b),
                           (Parameter<Shape<6, 4, 4, 4>, "gw">, gw), (Parameter<Shape<6>, "gb">, gb),
                           (Parameter<Shape<1, 9>, "summary">, summary),
                           (Parameter<Shape<9, 10>, "outw">, outw), (Parameter<Shape<10>, "outb">, outb));
};

inline auto network(Params& p) {
  auto x = input<Shape<1, 12, 12>>();
  // Tied biases: one per plane, shared by all its positions.
  auto h1 = tanh(plane_bias(conv2d<1>(x, p.c1w), p.c1b));      // [4,8,8]
  auto h2 = tanh(plane_bias(conv2d<2>(h1, p.c2w), p.c2b));     // [6,3,3]
  // A gate in (0, 1) per unit, multiplied in elementwise.
  auto gate = sigmoid(plane_bias(conv2d<2>(h1, p.gw), p.gb));  // [6,3,3]
  auto planes = reshape<Shape<6, 9>>(gate * h2);               // 6 tokens of 9 positions
  auto tokens = concat(p.summary, planes);                     // [7,9]: a learned row first
  // Each token mixes in the tokens most like it, as a residual update.
  auto weights = softmax(matmul(tokens, transpose(tokens)));  // [7,7], rows sum to 1
  auto mixed = tokens - 0.5f * matmul(weights, tokens);        // [7,9]
  return matmul(take<0>(mixed), p.outw) + p.outb;              // scores from the summary row
}

}  // namespace convnet
