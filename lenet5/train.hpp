#pragma once
// LeNet-5's two variants (model.hpp) as the shared trainer's Models
// (ctgrad/train/model.hpp): nothing here but the mapping, as a user's own
// model would need.
#include <ctgrad/train/trainer.hpp>

#include "lenet5/model.hpp"

namespace lenet5 {

using namespace ctgrad::train;

template <class Variant>
struct Model {
  using params_type = params_of<Variant>;
  using image_shape = Image;
  static constexpr std::size_t classes = Scores::size;
  // The paper's variant: MSE to +1 for the true class, -1 elsewhere.
  static constexpr Targets targets = Variant::modern ? Targets::one_hot : Targets::plus_minus_one;
  // Neither variant has a dropout layer (main.cpp refuses --dropout).
  static auto network(params_type& p, const DropoutControl&, float) { return lenet5::network<Variant>(p); }
  static auto loss(params_type& p, const DropoutControl&, float) { return lenet5::training_loss<Variant>(p); }
  static void initialize(params_type& p, const TrainConfig& config) { lenet5::initialize<Variant>(p, config.seed); }
};

static_assert(Model<Paper>::image_shape::dims == example_dims && Model<Modern>::image_shape::dims == example_dims &&
                  Model<Paper>::classes == example_classes && Model<Modern>::classes == example_classes,
              "lenet5/variants.hpp: example_dims and example_classes must be what the Models read and score");

}  // namespace lenet5
