#pragma once
// The micro-ViT's training run, on the kernel set --kernels selects
// (kernels::Selected). Declared here, instantiated in a translation unit of
// its own
// (train_path.cpp.in, CMakeLists.txt), so main.cpp compiles no trainer.
#include <array>
#include <cstddef>
#include <vector>

#include <ctgrad/kernels/fwd.hpp>
#include <ctgrad/train/config.hpp>
#include <ctgrad/train/results.hpp>
#include <ctgrad/train/splits.hpp>

namespace micro_vit {

// The examples the model reads and the classes it scores, so that the
// command line loads data without compiling the model (each training run
// checks that the Model agrees: train_path.cpp.in).
inline constexpr std::array<std::size_t, 3> example_dims{1, 16, 16};
inline constexpr std::size_t example_classes = 10;

// run_training of micro_vit::Model on path K, initialized from the config's seed.
template <class K>
std::vector<ctgrad::train::PassResult> train_on(const ctgrad::train::TrainConfig& config,
                                                const ctgrad::train::Split& train_split,
                                                const ctgrad::train::Split& test_split,
                                                const ctgrad::train::RunPaths& paths);

extern template std::vector<ctgrad::train::PassResult> train_on<ctgrad::kernels::Selected>(
    const ctgrad::train::TrainConfig&, const ctgrad::train::Split&, const ctgrad::train::Split&,
    const ctgrad::train::RunPaths&);

}  // namespace micro_vit
