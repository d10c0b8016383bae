#pragma once
// `lenet5 export`: trained weights of either variant as an ONNX model.
#include <ostream>

#include <ctgrad/train/export_request.hpp>

namespace lenet5 {

void export_model(const ctgrad::training::ExportRequest& request, std::ostream& log);

}  // namespace lenet5
