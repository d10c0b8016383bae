#pragma once
// Checkpoints in the safetensors format, so weights move to and from PyTorch
// and friends without a converter. Layout: a u64 little-endian header length,
// a JSON header giving each tensor's dtype, shape and byte range, then the
// data buffer. Only F32 is supported: it is the only type ctgrad trains in.
//
// The reader treats the file as hostile: every number in the header is
// checked against the file's real size before it sizes an allocation or a
// read, and the byte ranges must tile the data buffer exactly, so a file
// cannot hide bytes, alias two tensors, or point outside itself.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ctgrad/detail/separate_compilation.hpp"
#include "ctgrad/io/error.hpp"
#include "ctgrad/nn/parameters.hpp"

// The iterator algorithms, not std::ranges ones: the libc++ of Emscripten 3.1.6
// (the browser build, web/) has few of the latter.

namespace ctgrad::io {

static_assert(std::endian::native == std::endian::little,
              "ctgrad safetensors I/O copies floats byte for byte, which is only right on a little-endian host");

struct TensorView {
  std::string name;
  std::vector<std::size_t> shape;
  std::span<const float> values;
};

struct TensorData {
  std::vector<std::size_t> shape;
  std::vector<float> values;
};

namespace safetensors_detail {

// "[2,3]" for the shape {2, 3}.
CTGRAD_DECL std::string shape_text(std::span<const std::size_t> shape);
// Tensor names come from the file; a control character in one must not split
// the one-line error message.
CTGRAD_DECL std::string printable(std::string_view name);
// The number of elements of `shape`; empty when the product does not fit in
// 64 bits. A zero extent makes the product zero whatever the others are.
CTGRAD_DECL std::optional<std::uint64_t> element_count(std::span<const std::size_t> shape);

}  // namespace safetensors_detail

// `tensors` (F32) and the optional __metadata__ strings into `file`, written
// atomically: the file is whole, or as it was before.
CTGRAD_DECL void write_safetensors(const std::filesystem::path& file, std::span<const TensorView> tensors,
                                   const std::map<std::string, std::string>& metadata = {});

// The whole of a seekable stream as one safetensors file: a file, or bytes in
// memory in a std::istringstream (the fuzzer's input). Messages name `file`,
// whatever the stream really is. If `metadata` is given, it receives the
// file's __metadata__ strings.
CTGRAD_DECL std::map<std::string, TensorData> read_safetensors(std::istream& stream, const std::filesystem::path& file,
                                                               std::map<std::string, std::string>* metadata = nullptr);
// The file `file`, as above.
CTGRAD_DECL std::map<std::string, TensorData> read_safetensors(const std::filesystem::path& file,
                                                               std::map<std::string, std::string>* metadata = nullptr);

namespace safetensors_detail {
// One tensor per Parameter, named by the Parameter's name, in declaration
// order: of each the tensor `tensor_of` picks (its value or its gradient).
template <class Params, class TensorOf>
void save_each_parameter(const std::filesystem::path& file, const Params& params, TensorOf tensor_of) {
  std::vector<TensorView> tensors;
  for_each_parameter(params, [&](const auto& parameter) {
    using P = std::remove_cvref_t<decltype(parameter)>;
    static_assert(std::is_same_v<typename P::value_type, float>,
                  "save_parameters: safetensors checkpoints hold F32 only, and this Parameter is not float");
    tensors.push_back(TensorView{std::string(P::name),
                                 std::vector<std::size_t>(P::shape::dims.begin(), P::shape::dims.end()),
                                 tensor_of(parameter).span()});
  });
  write_safetensors(file, tensors);
}
}  // namespace safetensors_detail

// One tensor per Parameter, named by the Parameter's name, in declaration order.
template <class Params>
void save_parameters(const std::filesystem::path& file, const Params& params) {
  safetensors_detail::save_each_parameter(file, params,
                                          [](const auto& parameter) -> const auto& { return parameter.value; });
}

// The gradients the last backward() left in each Parameter::grad, in the same
// layout as save_parameters (one tensor per Parameter, under its name), to
// compare with another implementation's (e.g. PyTorch's param.grad) or to
// inspect. Read them back with read_safetensors; load_parameters would load
// them as values.
template <class Params>
void save_gradients(const std::filesystem::path& file, const Params& params) {
  safetensors_detail::save_each_parameter(file, params,
                                          [](const auto& parameter) -> const auto& { return parameter.grad; });
}

// The curvature estimate in each Parameter::curvature (graph/curvature.hpp),
// in the same layout, to compare with another implementation's.
template <class Params>
void save_curvature(const std::filesystem::path& file, const Params& params) {
  safetensors_detail::save_each_parameter(file, params,
                                          [](const auto& parameter) -> const auto& { return parameter.curvature; });
}

// The file must hold exactly the struct's parameters, with their shapes and
// finite values. Everything is checked before the first value is assigned, so
// a bad checkpoint leaves the model as it was.
template <class Params>
void load_parameters(const std::filesystem::path& file, Params& params) {
  using safetensors_detail::printable;
  using safetensors_detail::shape_text;
  const std::map<std::string, TensorData> tensors = read_safetensors(file);

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
    const TensorData& data = found->second;
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

}  // namespace ctgrad::io

#if !defined(CTGRAD_SEPARATE_COMPILATION)
#include "ctgrad/io/impl/safetensors.ipp"
#endif
