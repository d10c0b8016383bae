#pragma once
// The pictures of a run folder written by `train --out`, for any Model the
// trainer takes: learning curves (metrics.csv), the test-set mistakes of the
// final weights, and whatever pictures of its weights the model adds.
// Used by `lenet1 report` and `micro_vit report`; PNG writing is in the
// compiled ctgrad_report library (stb).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ctgrad/report/metrics_csv.hpp"
#include "ctgrad/report/plots.hpp"
#include "ctgrad/report/png.hpp"
#include "ctgrad/train/trainer.hpp"

namespace ctgrad::training {

// Writes RUN_DIR/learning_curves.png and RUN_DIR/mistakes.png, then calls
// `weight_pictures(params, run_dir)` for the model's own. `data_dir`, if not
// empty, replaces the data folder recorded in config.json. `program` titles
// the curves. Returns the run's configuration.
template <class Model, class WeightPictures>
TrainConfig write_run_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir,
                             const std::string& program, WeightPictures&& weight_pictures) {
  const TrainConfig config = config_from_json(run_dir / "config.json");
  const auto rows = report::read_metrics_csv(run_dir / "metrics.csv");
  report::write_png(run_dir / "learning_curves.png",
                    report::learning_curves(rows, program + (config.recipe == program ? "" : " --recipe " + config.recipe) +
                                                       ": error per pass"));

  auto params = std::make_unique<typename Model::params_type>();
  io::load_parameters(run_dir / "weights.safetensors", *params);
  weight_pictures(*params, run_dir);

  const Split test = load_split<Model>(data_dir.empty() ? std::filesystem::path(config.data) : data_dir, "test");
  std::vector<std::uint32_t> predicted;
  evaluate<Model, kernels::Simd>(*params, test, std::max(1u, std::thread::hardware_concurrency()), &predicted);
  std::vector<float> images;
  std::vector<std::uint8_t> truth, guesses;  // class numbers, at most 255 in a picture
  for (std::size_t i = 0; i < test.count(); ++i) {
    if (predicted[i] == test.labels[i]) continue;
    const auto image = example<Model>(test, i);
    images.insert(images.end(), image.begin(), image.end());
    truth.push_back(static_cast<std::uint8_t>(test.labels[i]));
    guesses.push_back(static_cast<std::uint8_t>(predicted[i]));
  }
  char title[128];
  std::snprintf(title, sizeof title, "test mistakes: %zu of %zu (t: true, p: predicted)", truth.size(), test.count());
  report::write_png(run_dir / "mistakes.png", report::mistakes_grid(images, truth, guesses, 16, title));
  return config;
}

}  // namespace ctgrad::training
