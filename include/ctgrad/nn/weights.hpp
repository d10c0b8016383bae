#pragma once
// A model's parameter struct as a safetensors file (io/safetensors.hpp): one
// F32 tensor per Parameter, named by the Parameter's name, in declaration
// order, so checkpoints move to and from PyTorch's state_dict by name. Its
// values (a checkpoint), its gradients or its curvature estimate are
// written; values are read back, checked against the struct first.
// Iterator algorithms, not std::ranges ones: the libc++ of Emscripten 3.1.6
// (the browser build, web/) has few of the latter.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "ctgrad/io/error.hpp"
#include "ctgrad/io/safetensors.hpp"
#include "ctgrad/nn/parameters.hpp"

namespace ctgrad {

namespace weights_detail {
// One tensor per Parameter, named by the Parameter's name, in declaration
// order: of each the tensor `tensor_of` picks (its value or its gradient).
template <class Params, class TensorOf>
void save_each_parameter(const std::filesystem::path& file, const Params& params, TensorOf tensor_of) {
  std::vector<io::TensorView> tensors;
  for_each_parameter(params, [&](const auto& parameter) {
    using P = std::remove_cvref_t<decltype(parameter)>;
    static_assert(std::is_same_v<typename P::value_type, float>,
                  "save_parameters: safetensors checkpoints hold F32 only, and this Parameter is not float");
    tensors.push_back(io::TensorView{std::string(P::name),
                                     std::vector<std::size_t>(P::shape::dims.begin(), P::shape::dims.end()),
                                     tensor_of(parameter).span()});
  });
  io::write_safetensors(file, tensors);
}
}  // namespace weights_detail

// One tensor per Parameter, named by the Parameter's name, in declaration order.
template <class Params>
void save_parameters(const std::filesystem::path& file, const Params& params) {
  weights_detail::save_each_parameter(file, params,
                                      [](const auto& parameter) -> const auto& { return parameter.value; });
}

// The gradients the last backward() left in each Parameter::grad, in the same
// layout as save_parameters (one tensor per Parameter, under its name), to
// compare with another implementation's (e.g. PyTorch's param.grad) or to
// inspect. Read them back with read_safetensors; load_parameters would load
// them as values.
template <class Params>
void save_gradients(const std::filesystem::path& file, const Params& params) {
  weights_detail::save_each_parameter(file, params,
                                      [](const auto& parameter) -> const auto& { return parameter.grad; });
}

// The curvature estimate in each Parameter::curvature (graph/curvature.hpp),
// in the same layout, to compare with another implementation's.
template <class Params>
void save_curvature(const std::filesystem::path& file, const Params& params) {
  weights_detail::save_each_parameter(file, params,
                                      [](const auto& parameter) -> const auto& { return parameter.curvature; });
}

// The file must hold exactly the struct's parameters, with their shapes and
// finite values. Everything is checked before the first value is assigned, so
// a bad checkpoint leaves the model as it was.
template <class Params>
void load_parameters(const std::filesystem::path& file, Params& params) {
  using io::fail;
  using io::safetensors_detail::printable;
  using io::safetensors_detail::shape_text;
  const std::map<std::string, io::TensorData> tensors = io::read_safetensors(file);

  std::set<std::string, std::less<>> expected_names;
  for_each_parameter(params, [&](auto& parameter) { expected_names.emplace(std::remove_cvref_t<decltype(parameter)>::name); });
  // A file for another model usually differs in names before anything else;
  // saying so is more useful than reporting the first missing tensor.
  for (const auto& [name, data] : tensors) {
    if (!expected_names.contains(name)) {
      fail(file, "expected only this model's " + std::to_string(expected_names.size()) +
                     " tensors, found unexpected tensor " + printable(name) +
                     ": this file holds weights for another model");
    }
  }

  for_each_parameter(params, [&](auto& parameter) {
    using P = std::remove_cvref_t<decltype(parameter)>;
    static_assert(std::is_same_v<typename P::value_type, float>,
                  "load_parameters: safetensors checkpoints hold F32 only, and this Parameter is not float");
    const std::string name(P::name);
    const auto found = tensors.find(name);
    if (found == tensors.end()) fail(file, "expected tensor " + name + " " + P::shape::str() + ", found no such tensor");
    const io::TensorData& data = found->second;
    if (!std::equal(data.shape.begin(), data.shape.end(), P::shape::dims.begin(), P::shape::dims.end())) {
      fail(file, "tensor " + name + ": expected shape " + P::shape::str() + ", found " + shape_text(data.shape));
    }
    const auto non_finite =
        std::find_if(data.values.begin(), data.values.end(), [](float value) { return !std::isfinite(value); });
    if (non_finite != data.values.end()) {
      fail(file, "tensor " + name + ": expected finite values, found " + std::to_string(*non_finite) + " at index " +
                     std::to_string(non_finite - data.values.begin()));
    }
  });

  for_each_parameter(params, [&](auto& parameter) {
    const std::vector<float>& values = tensors.at(std::string(std::remove_cvref_t<decltype(parameter)>::name)).values;
    std::copy(values.begin(), values.end(), parameter.value.begin());
  });
}

}  // namespace ctgrad
