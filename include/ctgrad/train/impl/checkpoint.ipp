#pragma once
// The definitions behind train/checkpoint.hpp: header-only builds get them
// through that header, a build with CTGRAD_SEPARATE_COMPILATION compiles them
// once (ctgrad/impl/src.hpp). What each function does is said at its
// declaration.
#include <algorithm>
#include <exception>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ctgrad/io/error.hpp"
#include "ctgrad/io/safetensors.hpp"
#include "ctgrad/train/checkpoint.hpp"

namespace ctgrad::train::checkpoint_detail {

CTGRAD_DECL void save(const std::filesystem::path& file, std::span<const ConstParameterRef> parameters,
                      std::span<const AdamWMomentRef> moments, long long done, std::size_t adamw_steps,
                      const std::mt19937& noise) {
  std::vector<io::TensorView> tensors;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const ConstParameterRef& p = parameters[i];
    const std::string name(p.name);
    const std::vector<std::size_t> dims(p.dims.begin(), p.dims.end());
    tensors.push_back({name, dims, p.value});
    tensors.push_back({"adamw.exp_avg." + name, dims, moments[i].exp_avg});
    tensors.push_back({"adamw.exp_avg_sq." + name, dims, moments[i].exp_avg_sq});
    tensors.push_back({"curvature." + name, dims, p.curvature});
  }
  std::ostringstream noise_text;
  noise_text << noise;
  io::write_safetensors(file, tensors,
                        {{"steps_done", std::to_string(done)},
                         {"adamw_steps", std::to_string(adamw_steps)},
                         {"noise", noise_text.str()}});
}

CTGRAD_DECL void load(const std::filesystem::path& file, std::span<const ParameterRef> parameters,
                      std::span<const AdamWMomentRef> moments, long long& done, std::size_t& adamw_steps,
                      std::mt19937& noise) {
  std::map<std::string, std::string> metadata;
  const auto tensors = io::read_safetensors(file, &metadata);
  auto take = [&](const std::string& name, std::span<float> tensor) {
    const auto found = tensors.find(name);
    if (found == tensors.end() || found->second.values.size() != tensor.size())
      io::fail(file, "expected tensor " + name + " of " + std::to_string(tensor.size()) +
                         " values, found none or another size");
    std::copy(found->second.values.begin(), found->second.values.end(), tensor.begin());
  };
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const ParameterRef& p = parameters[i];
    const std::string name(p.name);
    take(name, p.value);
    take("adamw.exp_avg." + name, moments[i].exp_avg);
    take("adamw.exp_avg_sq." + name, moments[i].exp_avg_sq);
    if (tensors.count("curvature." + name))  // checkpoints before SDLM have none
      take("curvature." + name, p.curvature);
    else
      std::fill(p.curvature.begin(), p.curvature.end(), 0.f);
    std::fill(p.grad.begin(), p.grad.end(), 0.f);
  }
  try {
    done = std::stoll(metadata.at("steps_done"));
    adamw_steps = std::stoull(metadata.at("adamw_steps"));
    std::istringstream(metadata.at("noise")) >> noise;
  } catch (const std::exception&) {
    io::fail(file, "expected checkpoint metadata steps_done, adamw_steps and noise, found them missing or malformed");
  }
}

}  // namespace ctgrad::train::checkpoint_detail
