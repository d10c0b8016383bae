#pragma once
// The micro-ViT's training run on one kernel path. Declared here,
// instantiated once per path in a translation unit of its own
// (train_path.cpp.in, CMakeLists.txt), so main.cpp compiles no trainer.
#include <vector>

#include <ctgrad/train/trainer.hpp>

namespace micro_vit {

// run_training of micro_vit::Model on path K, initialized from the config's seed.
template <class K>
std::vector<ctgrad::training::PassResult> train_on(const ctgrad::training::TrainConfig& config,
                                                   const ctgrad::training::Split& train_split,
                                                   const ctgrad::training::Split& test_split,
                                                   const ctgrad::training::RunPaths& paths);

extern template std::vector<ctgrad::training::PassResult> train_on<ctgrad::kernels::Scalar>(
    const ctgrad::training::TrainConfig&, const ctgrad::training::Split&, const ctgrad::training::Split&,
    const ctgrad::training::RunPaths&);
extern template std::vector<ctgrad::training::PassResult> train_on<ctgrad::kernels::Simd>(
    const ctgrad::training::TrainConfig&, const ctgrad::training::Split&, const ctgrad::training::Split&,
    const ctgrad::training::RunPaths&);

}  // namespace micro_vit
