#pragma once
// `lenet1 export`: trained weights of any recipe as an ONNX model.
#include <ostream>

#include <ctgrad/train/export_request.hpp>

namespace lenet1 {

// Reads the variant from the run folder or --recipe and exports it.
void export_model(const ctgrad::train::ExportRequest& request, std::ostream& log);

// One variant's export (export_variant.cpp.in: a translation unit per variant).
template <class Variant>
void export_variant(const ctgrad::train::ExportRequest& request, std::ostream& log);

}  // namespace lenet1
