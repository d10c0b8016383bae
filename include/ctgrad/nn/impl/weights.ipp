#pragma once
// The definitions behind nn/weights.hpp: header-only builds get them through
// that header, a build with CTGRAD_SEPARATE_COMPILATION compiles them once
// (ctgrad/impl/src.hpp). What each function does is said at its declaration.
// Iterator algorithms, not std::ranges ones: the libc++ of Emscripten 3.1.6
// (the browser build, web/) has few of the latter.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ctgrad/io/error.hpp"
#include "ctgrad/io/safetensors.hpp"
#include "ctgrad/nn/weights.hpp"

namespace ctgrad::weights_detail {

CTGRAD_DECL void save_part(const std::filesystem::path& file, std::span<const ConstParameterRef> parameters,
                           Part part) {
  std::vector<io::TensorView> tensors;
  for (const ConstParameterRef& parameter : parameters) {
    const std::span<const float> values = part == Part::value  ? parameter.value
                                          : part == Part::grad ? parameter.grad
                                                               : parameter.curvature;
    tensors.push_back(io::TensorView{std::string(parameter.name),
                                     std::vector<std::size_t>(parameter.dims.begin(), parameter.dims.end()), values});
  }
  io::write_safetensors(file, tensors);
}

CTGRAD_DECL void load_values(const std::filesystem::path& file, std::span<const ParameterRef> parameters) {
  using io::fail;
  using io::safetensors_detail::printable;
  using io::safetensors_detail::shape_text;
  const std::map<std::string, io::TensorData> tensors = io::read_safetensors(file);

  std::set<std::string, std::less<>> expected_names;
  for (const ParameterRef& parameter : parameters) expected_names.emplace(parameter.name);
  // A file for another model usually differs in names before anything else;
  // saying so is more useful than reporting the first missing tensor.
  for (const auto& [name, data] : tensors) {
    if (!expected_names.contains(name)) {
      fail(file, "expected only this model's " + std::to_string(expected_names.size()) +
                     " tensors, found unexpected tensor " + printable(name) +
                     ": this file holds weights for another model");
    }
  }

  for (const ParameterRef& parameter : parameters) {
    const std::string name(parameter.name);
    const auto found = tensors.find(name);
    if (found == tensors.end())
      fail(file, "expected tensor " + name + " " + shape_text(parameter.dims) + ", found no such tensor");
    const io::TensorData& data = found->second;
    if (!std::equal(data.shape.begin(), data.shape.end(), parameter.dims.begin(), parameter.dims.end())) {
      fail(file, "tensor " + name + ": expected shape " + shape_text(parameter.dims) + ", found " +
                     shape_text(data.shape));
    }
    const auto non_finite =
        std::find_if(data.values.begin(), data.values.end(), [](float value) { return !std::isfinite(value); });
    if (non_finite != data.values.end()) {
      fail(file, "tensor " + name + ": expected finite values, found " + std::to_string(*non_finite) + " at index " +
                     std::to_string(non_finite - data.values.begin()));
    }
  }

  for (const ParameterRef& parameter : parameters) {
    const std::vector<float>& values = tensors.at(std::string(parameter.name)).values;
    std::copy(values.begin(), values.end(), parameter.value.begin());
  }
}

}  // namespace ctgrad::weights_detail
