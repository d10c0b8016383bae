#pragma once
// A program's `export` command, for any Model the trainer takes: trained
// weights (safetensors) into an ONNX model of the network (io/onnx.hpp);
// and, asked for, ctgrad's own outputs on a data folder's test split beside
// it, to compare a runtime's with (docs/deploying.md).
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "ctgrad/io/npy.hpp"
#include "ctgrad/io/onnx.hpp"
#include "ctgrad/nn/weights.hpp"
#include "ctgrad/train/errors.hpp"
#include "ctgrad/train/evaluate.hpp"
#include "ctgrad/train/export_request.hpp"

namespace ctgrad::train {

// The three steps of `export`, each a function so that a program may compile
// them in separate files (micro_vit/export*.cpp): the writing of the model
// needs only the network, the scores the model's compiled graph.

// request.weights for Model, or a UsageError of --weights saying what does not fit.
template <TrainableModel Model>
std::unique_ptr<typename Model::params_type> load_exported_weights(const ExportRequest& request) {
  auto params = std::make_unique<typename Model::params_type>();
  try {
    load_parameters(request.weights, *params);
  } catch (const io::Error& error) {
    throw UsageError(std::string("--weights: ") + error.what());
  }
  return params;
}

// Writes request.out, the network (no dropout, no loss) with output "scores".
template <TrainableModel Model>
void write_onnx_model(typename Model::params_type& params, const ExportRequest& request, std::ostream& log) {
  onnx::save(request.out, Model::network(params, no_dropout, 0.f), {.graph_name = "ctgrad", .output_name = "scores"});
  log << "export: " << request.out.string() << " (ONNX opset " << onnx::opset << "; input x [N";
  for (std::size_t extent : Model::image_shape::dims) log << "," << extent;
  log << "], output scores [N," << Model::classes << "])\n";
}

// With request.data: ctgrad's outputs on its test split, [examples,
// classes], to request.scores, and the test error on `log`.
template <TrainableModel Model>
void write_test_scores(typename Model::params_type& params, const ExportRequest& request, std::ostream& log) {
  if (request.data.empty()) return;
  const Split test = load_split<Model>(request.data, "test");
  std::vector<std::uint32_t> predicted;
  std::vector<float> scores;
  const EvalResult result = evaluate<Model, kernels::Selected>(
      params, test, std::max(1u, std::thread::hardware_concurrency()), &predicted, &scores);
  const std::size_t shape[] = {test.count(), Model::classes};
  io::write_npy<float>(request.scores, shape, scores);
  log << "export: ctgrad's scores on the " << test.count() << " test examples (test error "
      << result.error_percent() << "%, " << result.misses << " misses): " << request.scores.string() << "\n";
}

// All three: writes request.out and, with request.data, the test scores.
template <TrainableModel Model>
void export_onnx(const ExportRequest& request, std::ostream& log) {
  const auto params = load_exported_weights<Model>(request);
  write_onnx_model<Model>(*params, request, log);
  write_test_scores<Model>(*params, request, log);
}

}  // namespace ctgrad::train
