#pragma once
// One training run of one LeNet-1 variant, on the kernel set --kernels selects
// (kernels::Selected). Declared here, instantiated once per variant in a
// translation unit of its own
// (train_variant.cpp.in, CMakeLists.txt): each pulls in a whole trainer with
// its graphs, so the variants compile side by side, and main.cpp includes
// none of them.
#include <vector>

#include <ctgrad/kernels/fwd.hpp>
#include <ctgrad/train/config.hpp>
#include <ctgrad/train/results.hpp>
#include <ctgrad/train/splits.hpp>

namespace lenet1 {

struct Classic;
struct Softmax;
struct Modern;

// run_training of Model<Variant> on path K, initialized from the config's
// seed and output bias.
template <class Variant, class K>
std::vector<ctgrad::train::PassResult> train_variant(const ctgrad::train::TrainConfig& config,
                                                     const ctgrad::train::Split& train_split,
                                                     const ctgrad::train::Split& test_split,
                                                     const ctgrad::train::RunPaths& paths);

#define LENET1_TRAIN_VARIANT(Variant, Path)                                                             \
  extern template std::vector<ctgrad::train::PassResult> train_variant<Variant, ctgrad::kernels::Path>( \
      const ctgrad::train::TrainConfig&, const ctgrad::train::Split&, const ctgrad::train::Split&,   \
      const ctgrad::train::RunPaths&);
LENET1_TRAIN_VARIANT(Classic, Selected)
LENET1_TRAIN_VARIANT(Softmax, Selected)
LENET1_TRAIN_VARIANT(Modern, Selected)
#undef LENET1_TRAIN_VARIANT

}  // namespace lenet1
