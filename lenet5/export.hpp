#pragma once
// `lenet5 export`: trained weights of either variant as an ONNX model.
#include <ostream>

#include <ctgrad/train/export_request.hpp>

namespace lenet5 {

// Reads the variant from the run folder or --recipe and exports it.
void export_model(const ctgrad::train::ExportRequest& request, std::ostream& log);

// One variant's export (export_variant.cpp.in: a translation unit per variant).
template <class Variant>
void export_variant(const ctgrad::train::ExportRequest& request, std::ostream& log);

}  // namespace lenet5
