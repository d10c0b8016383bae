#pragma once
// The teacher of `micro_vit train --teacher`: a modern LeNet-1 (ReLU hidden
// layers, dropout before H3, softmax cross-entropy), whose trained weights
// `lenet1 train --recipe modern --out RUN` writes to RUN/weights.safetensors.
// Its parameters' names and shapes are that file's (the published PyTorch
// reproduction's), and loading it checks every one. Only its forward pass
// runs, to score the training images once before training
// (ctgrad/train/distill.hpp); the expression is the one `lenet1` trains, so
// the scores are the same to the bit.
#include <array>
#include <cstddef>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/model.hpp>

namespace micro_vit::teacher {

using namespace ctgrad;

// H2's sparse connectivity (LeCun et al. 1989, section 5.1): output planes
// 0-3 read H1 planes 0-7, planes 4-7 read 4-11, planes 8-11 read 0-3 and 8-11.
struct H2Connections {
  static constexpr std::array<std::array<std::size_t, 8>, 12> planes = {{
      {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
      {4, 5, 6, 7, 8, 9, 10, 11}, {4, 5, 6, 7, 8, 9, 10, 11}, {4, 5, 6, 7, 8, 9, 10, 11}, {4, 5, 6, 7, 8, 9, 10, 11},
      {0, 1, 2, 3, 8, 9, 10, 11}, {0, 1, 2, 3, 8, 9, 10, 11}, {0, 1, 2, 3, 8, 9, 10, 11}, {0, 1, 2, 3, 8, 9, 10, 11},
  }};
};

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

// -1 padding: the paper's background value, so the border reads as blank paper.
inline auto network(Params& p, const DropoutControl& dropout_control, float dropout_probability) {
  auto x = input<Shape<1, 16, 16>>();
  auto h1 = relu(conv2d<2>(pad<2>(x, -1.f), p.H1w) + p.H1b);
  auto h2 = relu(conv2d<2, H2Connections>(pad<2>(h1, -1.f), p.H2w) + p.H2b);
  auto h3 = relu(matmul(dropout(flatten(h2), dropout_probability, dropout_control), p.H3w) + p.H3b);
  return matmul(h3, p.outw) + p.outb;
}

// As a trainer Model (ctgrad/train/model.hpp), which distillation evaluates.
struct Model {
  using params_type = Params;
  using image_shape = Shape<1, 16, 16>;
  static constexpr std::size_t classes = 10;
  static constexpr ctgrad::train::Targets targets = ctgrad::train::Targets::one_hot;
  static auto network(Params& p, const DropoutControl& control, float dropout) {
    return teacher::network(p, control, dropout);
  }
  static auto loss(Params& p, const DropoutControl& control, float dropout) {
    return cross_entropy(teacher::network(p, control, dropout), target<Shape<classes>>());
  }
};

}  // namespace micro_vit::teacher
