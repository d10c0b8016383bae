#pragma once
// A model's parameter struct as a safetensors file (io/safetensors.hpp): one
// F32 tensor per Parameter, named by the Parameter's name, in declaration
// order, so checkpoints move to and from PyTorch's state_dict by name. Its
// values (a checkpoint), its gradients or its curvature estimate are
// written; values are read back, checked against the struct first.
// The work is done on the parameters as run-time values (ParameterRef,
// nn/parameters.hpp), in functions compiled once (nn/impl/weights.ipp), not
// once for every Parameter type of every model.
#include <filesystem>
#include <span>

#include "ctgrad/detail/separate_compilation.hpp"
#include "ctgrad/io/safetensors.hpp"
#include "ctgrad/nn/parameters.hpp"

namespace ctgrad {

namespace weights_detail {
// Which of a Parameter's tensors a file holds.
enum class Part { value, grad, curvature };
// One tensor per parameter, named by its name, in the given order: its `part`.
CTGRAD_DECL void save_part(const std::filesystem::path& file, std::span<const ConstParameterRef> parameters, Part part);
// The values of `parameters` from `file`, after checking all of it (load_parameters).
CTGRAD_DECL void load_values(const std::filesystem::path& file, std::span<const ParameterRef> parameters);
}  // namespace weights_detail

// One tensor per Parameter, named by the Parameter's name, in declaration order.
template <class Params>
void save_parameters(const std::filesystem::path& file, const Params& params) {
  weights_detail::save_part(file, parameter_refs(params), weights_detail::Part::value);
}

// The gradients the last backward() left in each Parameter::grad, in the same
// layout as save_parameters (one tensor per Parameter, under its name), to
// compare with another implementation's (e.g. PyTorch's param.grad) or to
// inspect. Read them back with read_safetensors; load_parameters would load
// them as values.
template <class Params>
void save_gradients(const std::filesystem::path& file, const Params& params) {
  weights_detail::save_part(file, parameter_refs(params), weights_detail::Part::grad);
}

// The curvature estimate in each Parameter::curvature (graph/curvature.hpp),
// in the same layout, to compare with another implementation's.
template <class Params>
void save_curvature(const std::filesystem::path& file, const Params& params) {
  weights_detail::save_part(file, parameter_refs(params), weights_detail::Part::curvature);
}

// The file must hold exactly the struct's parameters, with their shapes and
// finite values. Everything is checked before the first value is assigned, so
// a bad checkpoint leaves the model as it was.
template <class Params>
void load_parameters(const std::filesystem::path& file, Params& params) {
  weights_detail::load_values(file, parameter_refs(params));
}

}  // namespace ctgrad

#if !defined(CTGRAD_SEPARATE_COMPILATION)
#include "ctgrad/nn/impl/weights.ipp"
#endif
