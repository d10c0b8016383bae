#pragma once
// `lenet1 export`: trained weights of any recipe as an ONNX model.
#include <ostream>

#include <ctgrad/train/export_request.hpp>

namespace lenet1 {

void export_model(const ctgrad::training::ExportRequest& request, std::ostream& log);

}  // namespace lenet1
