#pragma once
// LeNet-1 on the shared trainer (ctgrad/train/trainer.hpp): the recipe
// architectures as trainer Models, and the plain 1989 step used by the
// allocation test and the benchmarks.
#include <ctgrad/train/trainer.hpp>

#include "lenet1/model.hpp"

namespace lenet1 {

using namespace ctgrad::train;

inline constexpr std::size_t image_size = Image::size;

// One of the architectures of model.hpp (Classic, Softmax, Modern) as a Model.
template <class Variant>
struct Model {
  using params_type = Params;
  using image_shape = Image;
  static constexpr std::size_t classes = Scores::size;
  static constexpr Targets targets = Variant::cross_entropy ? Targets::one_hot : Targets::plus_minus_one;
  static auto network(Params& p, const DropoutControl& control, float dropout) {
    return lenet1::network<Variant>(p, control, dropout);
  }
  static auto loss(Params& p, const DropoutControl& control, float dropout) {
    return lenet1::training_loss<Variant>(p, control, dropout);
  }
  // The recipes' initialization: the config's seed and output bias.
  static void initialize(Params& p, const TrainConfig& config) {
    lenet1::initialize(p, config.seed, static_cast<float>(config.output_bias));
  }
};

// One per-example SGD step of the 1989 network; returns the example's loss.
// No heap allocation.
template <class K, class G>
float train_step(G& graph, Params& params, std::span<const float, Image::size> image, std::uint32_t label,
                 float learning_rate) {
  load_example<Model<Classic>>(graph, 0, image, label);
  graph.forward();
  graph.backward();
  sgd_step<K>(params, learning_rate);
  return graph.loss();
}

}  // namespace lenet1
