#pragma once
// A resumable checkpoint: parameters, optimizer state, generator and step.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ctgrad/io/safetensors.hpp"
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

// A checkpoint is a safetensors file: the parameters under their own names,
// AdamW's moments as "adamw.exp_avg.<name>" / "adamw.exp_avg_sq.<name>",
// SDLM's curvature estimate (held for the pass) as "curvature.<name>", and
// the step counters and the generator's state as metadata. Written atomically.
template <class Params>
void save_checkpoint(const std::filesystem::path& file, Params& params, const TrainingState<Params>& state) {
  std::vector<io::TensorView> tensors;
  for_each_parameter(params, [&](auto& p) {
    using S = typename std::remove_cvref_t<decltype(p)>::shape;
    const std::vector<std::size_t> dims(S::dims.begin(), S::dims.end());
    const auto& moments = state.adamw->moments_of(p);
    tensors.push_back({std::string(p.name), dims, p.value.span()});
    tensors.push_back({"adamw.exp_avg." + std::string(p.name), dims, moments.exp_avg.span()});
    tensors.push_back({"adamw.exp_avg_sq." + std::string(p.name), dims, moments.exp_avg_sq.span()});
    tensors.push_back({"curvature." + std::string(p.name), dims, p.curvature.span()});
  });
  std::ostringstream noise;
  noise << state.noise;
  io::write_safetensors(file, tensors,
                        {{"steps_done", std::to_string(state.done)},
                         {"adamw_steps", std::to_string(state.adamw->steps)},
                         {"noise", noise.str()}});
}

template <class Params>
void load_checkpoint(const std::filesystem::path& file, Params& params, TrainingState<Params>& state) {
  std::map<std::string, std::string> metadata;
  auto tensors = io::read_safetensors(file, &metadata);
  auto take = [&](const std::string& name, auto& tensor) {
    const auto found = tensors.find(name);
    if (found == tensors.end() || found->second.values.size() != tensor.size)
      io::fail(file, "expected tensor " + name + " of " + std::to_string(tensor.size) + " values, found none or another size");
    std::copy(found->second.values.begin(), found->second.values.end(), tensor.begin());
  };
  for_each_parameter(params, [&](auto& p) {
    auto& moments = state.adamw->moments_of(p);
    take(std::string(p.name), p.value);
    take("adamw.exp_avg." + std::string(p.name), moments.exp_avg);
    take("adamw.exp_avg_sq." + std::string(p.name), moments.exp_avg_sq);
    if (tensors.count("curvature." + std::string(p.name)))  // checkpoints before SDLM have none
      take("curvature." + std::string(p.name), p.curvature);
    else
      p.curvature.fill(0.f);
    p.grad.fill(0.f);
  });
  try {
    state.done = std::stoll(metadata.at("steps_done"));
    state.adamw->steps = std::stoull(metadata.at("adamw_steps"));
    std::istringstream(metadata.at("noise")) >> state.noise;
  } catch (const std::exception&) {
    io::fail(file, "expected checkpoint metadata steps_done, adamw_steps and noise, found them missing or malformed");
  }
}

}  // namespace ctgrad::train
