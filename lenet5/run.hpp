#pragma once
// One training run of one LeNet-5 variant, on the kernel set --kernels selects
// (kernels::Selected). Declared here, instantiated once per variant in a
// translation unit of its own
// (train_variant.cpp.in), so main.cpp compiles no trainer.
#include <array>
#include <cstddef>
#include <vector>

#include <ctgrad/kernels/fwd.hpp>
#include <ctgrad/train/config.hpp>
#include <ctgrad/train/results.hpp>
#include <ctgrad/train/splits.hpp>

namespace lenet5 {

// The examples both variants read and the classes they score, so that the
// command line loads data without compiling a model (each training run checks
// that its Model agrees: train_variant.cpp.in).
inline constexpr std::array<std::size_t, 3> example_dims{1, 28, 28};
inline constexpr std::size_t example_classes = 10;

struct Paper;
struct Modern;

// run_training of Model<Variant> on path K, initialized from the config's seed.
template <class Variant, class K>
std::vector<ctgrad::train::PassResult> train_variant(const ctgrad::train::TrainConfig& config,
                                                     const ctgrad::train::Split& train_split,
                                                     const ctgrad::train::Split& test_split,
                                                     const ctgrad::train::RunPaths& paths);

#define LENET5_TRAIN_VARIANT(Variant, Path)                                                             \
  extern template std::vector<ctgrad::train::PassResult> train_variant<Variant, ctgrad::kernels::Path>( \
      const ctgrad::train::TrainConfig&, const ctgrad::train::Split&, const ctgrad::train::Split&,   \
      const ctgrad::train::RunPaths&);
LENET5_TRAIN_VARIANT(Paper, Selected)
LENET5_TRAIN_VARIANT(Modern, Selected)
#undef LENET5_TRAIN_VARIANT

}  // namespace lenet5
