#pragma once
// `micro_vit export`: trained weights as an ONNX model.
#include <ostream>

#include <ctgrad/train/export_request.hpp>

namespace micro_vit {

void export_model(const ctgrad::training::ExportRequest& request, std::ostream& log);

}  // namespace micro_vit
