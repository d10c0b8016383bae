#pragma once
// What the trainer asks of a model and of its data.
//
// A Model is a type with
//   using params_type = ...;           // a BOOST_HANA_DEFINE_STRUCT of Parameters
//   using image_shape = Shape<...>;    // one example's input, e.g. Shape<3, 32, 32>
//   static constexpr std::size_t classes;
//   static constexpr Targets targets;  // how a label becomes the "target" input
//   static auto network(params_type&, const DropoutControl&, float dropout);  // the class scores
//   static auto loss(params_type&, const DropoutControl&, float dropout);     // their scalar loss
// whose network reads input<"x"> of image_shape and whose loss compares the
// scores with target<Shape<classes>>(). A program made by ctgrad_add_program
// (train/program.hpp) also gives
//   static void initialize(params_type&, const TrainConfig&);  // a new run's parameters
// Data comes as a data::Split of the same example shape with labels below
// `classes`; both are checked: the model at compile time, the files when
// they are read.
#include <algorithm>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "ctgrad/data/dataset.hpp"
#include "ctgrad/graph/compile.hpp"
#include "ctgrad/ops/dropout.hpp"
#include "ctgrad/train/errors.hpp"
#include "ctgrad/train/splits.hpp"

namespace ctgrad::train {

// The target a label becomes: one-hot probabilities (cross-entropy), or +1
// for the true class and -1 elsewhere (the 1989 paper's MSE on tanh outputs).
enum class Targets { one_hot, plus_minus_one };

template <class M>
concept TrainableModel = requires(typename M::params_type& params, const DropoutControl& control) {
  typename M::image_shape;
  { M::classes } -> std::convertible_to<std::size_t>;
  { M::targets } -> std::convertible_to<Targets>;
  M::network(params, control, 0.f);
  M::loss(params, control, 0.f);
};

// The expression a Model trains (its loss), and the graph that computes it
// for B examples on kernel path K: the type the trainer, its minibatch step,
// evaluation and a program's benchmarks all share, so a program can compile
// it once (`template class ctgrad::Graph<loss_expression<Model>, K, B>;` in
// one file, `extern template` in the others).
template <TrainableModel Model>
using loss_expression =
    decltype(Model::loss(std::declval<typename Model::params_type&>(), std::declval<const DropoutControl&>(), 0.f));
template <TrainableModel Model, class K, std::size_t B = 1>
using ModelGraph = Graph<loss_expression<Model>, K, B>;

template <TrainableModel Model>
constexpr void check_model() {
  using Scores = typename decltype(Model::network(std::declval<typename Model::params_type&>(), no_dropout, 0.f))::shape;
  static_assert(Scores::size == Model::classes,
                "trainer: the model's network must give one score per class (Model::classes)");
}

// The example shape a Model reads, as a data::Split states it.
template <TrainableModel Model>
constexpr auto example_shape() {
  return Model::image_shape::dims;
}

// Example `index` of `split` as the model's input.
template <TrainableModel Model>
std::span<const float, Model::image_shape::size> example(const Split& split, std::size_t index) {
  return std::span<const float, Model::image_shape::size>(split.images.data() + index * Model::image_shape::size,
                                                          Model::image_shape::size);
}

// The split `name` of `dir`, checked against the model's input shape and
// classes; `how_to_make` tells a user where the files come from.
template <TrainableModel Model>
Split load_split(const std::filesystem::path& dir, std::string_view name, std::string_view how_to_make = {}) {
  static constexpr auto shape = example_shape<Model>();
  return data::load_split(dir, name, shape, Model::classes, how_to_make);
}

// The train and test splits of a data folder, checked against the model's
// input shape and classes (train/splits.hpp).
template <TrainableModel Model>
Splits load_splits(const std::filesystem::path& dir, std::string_view how_to_make = {}) {
  static constexpr auto shape = example_shape<Model>();
  return load_splits(dir, shape, Model::classes, how_to_make);
}

// Example `index`'s row of `targets` (Model::classes target distributions
// per example, e.g. a teacher's: train/distill.hpp), or null if there are none.
template <TrainableModel Model>
const float* target_row(std::span<const float> targets, std::size_t index) {
  return targets.empty() ? nullptr : targets.data() + index * Model::classes;
}

// The input and the target of one example, written into example b of a
// graph: the label's target, or the `soft_target` distribution (Model::classes
// values) when given (target_row).
template <TrainableModel Model, class G>
void load_example(G& graph, std::size_t b, std::span<const float, Model::image_shape::size> image,
                  std::uint32_t label, const float* soft_target = nullptr) {
  auto& input = graph.template input<"x">(b);
  static_assert(std::remove_cvref_t<decltype(input)>::shape::size == Model::image_shape::size,
                "trainer: the network's input<\"x\"> must be one example of Model::image_shape");
  std::copy(image.begin(), image.end(), input.begin());
  auto& target = graph.template input<"target">(b);
  if (soft_target) {
    std::copy(soft_target, soft_target + Model::classes, target.begin());
    return;
  }
  target.fill(Model::targets == Targets::one_hot ? 0.f : -1.f);
  target[label] = 1.f;
}

}  // namespace ctgrad::train
