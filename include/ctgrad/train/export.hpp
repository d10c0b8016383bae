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
#include "ctgrad/io/safetensors.hpp"
#include "ctgrad/train/errors.hpp"
#include "ctgrad/train/evaluate.hpp"
#include "ctgrad/train/export_request.hpp"

namespace ctgrad::training {

// Writes request.out; with request.data, also ctgrad's outputs on its test
// split, [examples, classes], to request.scores. Says what it wrote on `log`.
template <TrainableModel Model>
void export_onnx(const ExportRequest& request, std::ostream& log) {
  auto params = std::make_unique<typename Model::params_type>();
  try {
    io::load_parameters(request.weights, *params);
  } catch (const io::Error& error) {
    throw UsageError(std::string("--weights: ") + error.what());
  }
  onnx::save(request.out, Model::network(*params, no_dropout, 0.f), {.graph_name = "ctgrad", .output_name = "scores"});
  log << "export: " << request.out.string() << " (ONNX opset " << onnx::opset << "; input x [N";
  for (std::size_t extent : Model::image_shape::dims) log << "," << extent;
  log << "], output scores [N," << Model::classes << "])\n";
  if (request.data.empty()) return;
  const Split test = load_split<Model>(request.data, "test");
  std::vector<std::uint32_t> predicted;
  std::vector<float> scores;
  const EvalResult result = evaluate<Model, kernels::Selected>(
      *params, test, std::max(1u, std::thread::hardware_concurrency()), &predicted, &scores);
  const std::size_t shape[] = {test.count(), Model::classes};
  io::write_npy<float>(request.scores, shape, scores);
  log << "export: ctgrad's scores on the " << test.count() << " test examples (test error "
      << result.error_percent() << "%, " << result.misses << " misses): " << request.scores.string() << "\n";
}

}  // namespace ctgrad::training
