#pragma once
// A model for a user's own data: 3-plane 12x12 images in 4 classes, trained
// by the library's generic trainer (docs/extending.md, section 5). Nothing
// here knows about digits: the trainer takes the input shape, the classes
// and the targets from this struct, and checks the .npy files against them.
#include <cstdint>
#include <random>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/config.hpp>
#include <ctgrad/train/instantiate.hpp>
#include <ctgrad/train/model.hpp>

namespace own_data {

using namespace ctgrad;

using Image = Shape<3, 12, 12>;
inline constexpr std::size_t classes = 4;

struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params,
                           (Parameter<Shape<8, 3, 4, 4>, "c1w">, c1w), (Parameter<Shape<8>, "c1b">, c1b),
                           (Parameter<Shape<8 * 5 * 5, classes>, "outw">, outw),
                           (Parameter<Shape<classes>, "outb">, outb));
};

inline auto network(Params& p, const DropoutControl& control, float dropout_probability) {
  auto planes = relu(plane_bias(conv2d<2>(input<Image>(), p.c1w), p.c1b));  // [8, 5, 5]
  return matmul(dropout(flatten(planes), dropout_probability, control), p.outw) + p.outb;
}

// What the trainer needs to know (ctgrad/train/model.hpp).
struct Model {
  using params_type = Params;
  using image_shape = Image;
  static constexpr std::size_t classes = own_data::classes;
  static constexpr train::Targets targets = train::Targets::one_hot;
  static auto network(Params& p, const DropoutControl& control, float dropout) {
    return own_data::network(p, control, dropout);
  }
  static auto loss(Params& p, const DropoutControl& control, float dropout) {
    return cross_entropy(own_data::network(p, control, dropout), target<Shape<classes>>());
  }
};

inline void initialize(Params& p, std::uint32_t seed) {
  std::mt19937 rng(seed);
  init_uniform_fan_in(p, rng, 1.f);
}

}  // namespace own_data

// The model's training graph and minibatch step are compiled once, in
// model.cpp, not again in main.cpp (ctgrad/train/instantiate.hpp).
CTGRAD_EXTERN_MODEL(own_data::Model, ctgrad::kernels::Selected);
