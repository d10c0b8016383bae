#pragma once
// `micro_vit export`: trained weights as an ONNX model.
#include <ostream>

#include <ctgrad/train/export_request.hpp>

#include "micro_vit/model.hpp"

namespace micro_vit {

void export_model(const ctgrad::train::ExportRequest& request, std::ostream& log);

// ctgrad's test-split scores (export_scores.cpp: the file that needs the
// compiled graph, apart from the one that writes the model).
void write_test_scores(Params& params, const ctgrad::train::ExportRequest& request, std::ostream& log);

}  // namespace micro_vit
