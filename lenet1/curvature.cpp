#include "lenet1/curvature.hpp"

#include <memory>
#include <ostream>
#include <string>

#include <ctgrad/nn/weights.hpp>
#include <ctgrad/train/curvature_estimate.hpp>

#include "lenet1/prepare.hpp"
#include "lenet1/instances.hpp"

namespace lenet1 {

void write_curvature(const CurvatureOptions& options, std::ostream& out) {
  auto params = std::make_unique<Params>();
  try {
    ctgrad::load_parameters(options.init, *params);
  } catch (const ctgrad::io::Error& error) {
    throw UsageError(std::string("--init: ") + error.what());
  }
  if (!std::filesystem::is_directory(options.data))
    throw UsageError("--data: expected a folder with the prepared digits, found no folder " + options.data.string());
  const auto train_split = load_prepared(options.data, "train");
  if (options.examples < 1 || options.examples > train_split.count())
    throw UsageError("--examples: expected 1 to " + std::to_string(train_split.count()) + " (the training examples), found " +
                     std::to_string(options.examples));
  using G = TrainingGraph<ctgrad::kernels::Selected>;
  auto graph = std::make_unique<G>(training_loss(*params));
  auto pass = std::make_unique<ctgrad::CurvaturePass<G>>(*graph);
  estimate_curvature<Model<Classic>>(*graph, *pass, *params, train_split, options.examples, 0);
  ctgrad::save_curvature(options.save, *params);
  out << "curvature: the mean over the first " << options.examples << " training examples at " << options.init.string()
      << ", per parameter (mean, max):\n";
  ctgrad::for_each_parameter(*params, [&](const auto& p) {
    float sum = 0, largest = 0;
    for (float h : p.curvature) {
      sum += h;
      largest = std::max(largest, h);
    }
    out << "  " << p.name << ": " << sum / static_cast<float>(p.curvature.size) << ", " << largest << "\n";
  });
  out << "saved: " << options.save.string() << "\n";
}

}  // namespace lenet1
