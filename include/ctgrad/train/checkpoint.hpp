#pragma once
// A resumable checkpoint: parameters, optimizer state, generator and step.
#include <filesystem>
#include <memory>
#include <random>
#include <span>
#include <utility>

#include "ctgrad/detail/separate_compilation.hpp"
#include "ctgrad/nn/parameters.hpp"
#include "ctgrad/optim/adamw.hpp"

namespace ctgrad::train {

// Everything a step carries to the next besides the parameters: the graph's
// buffers are recomputed every step, so this is the whole training state.
template <class Params>
struct TrainingState {
  std::unique_ptr<AdamW<Params>> adamw = std::make_unique<AdamW<Params>>();
  std::mt19937 noise;   // dropout masks and shifts
  long long done = 0;   // steps taken
};

namespace checkpoint_detail {
// The checkpoint of `parameters` (their values and curvature), AdamW's
// `moments` of each (in the same order), the steps taken, AdamW's steps and
// the generator, into `file`.
CTGRAD_DECL void save(const std::filesystem::path& file, std::span<const ConstParameterRef> parameters,
                      std::span<const AdamWMomentRef> moments, long long done, std::size_t adamw_steps,
                      const std::mt19937& noise);
// All of it back from `file`; the gradients are zeroed.
CTGRAD_DECL void load(const std::filesystem::path& file, std::span<const ParameterRef> parameters,
                      std::span<const AdamWMomentRef> moments, long long& done, std::size_t& adamw_steps,
                      std::mt19937& noise);
}  // namespace checkpoint_detail

// A checkpoint is a safetensors file: the parameters under their own names,
// AdamW's moments as "adamw.exp_avg.<name>" / "adamw.exp_avg_sq.<name>",
// SDLM's curvature estimate (held for the pass) as "curvature.<name>", and
// the step counters and the generator's state as metadata. Written atomically.
template <class Params>
void save_checkpoint(const std::filesystem::path& file, Params& params, const TrainingState<Params>& state) {
  checkpoint_detail::save(file, parameter_refs(std::as_const(params)), state.adamw->moment_refs(params), state.done,
                          state.adamw->steps, state.noise);
}

template <class Params>
void load_checkpoint(const std::filesystem::path& file, Params& params, TrainingState<Params>& state) {
  checkpoint_detail::load(file, parameter_refs(params), state.adamw->moment_refs(params),
                          state.done, state.adamw->steps, state.noise);
}

}  // namespace ctgrad::train

#if !defined(CTGRAD_SEPARATE_COMPILATION)
#include "ctgrad/train/impl/checkpoint.ipp"
#endif
