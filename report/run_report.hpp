#pragma once
// The pictures of a run folder written by `train --out`, for any Model the
// trainer takes: learning curves (metrics.csv), the test-set mistakes of the
// final weights, and whatever pictures of its weights the model adds.
// Used by `lenet1 report` and `micro_vit report`; links ctgrad_report.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <ctgrad/io/metrics_csv.hpp>
#include <ctgrad/nn/weights.hpp>
#include <ctgrad/train/trainer.hpp>
#include <ctgrad/train/variants.hpp>

#include "report/pictures.hpp"

namespace report {

// Writes RUN_DIR/learning_curves.png and RUN_DIR/mistakes.png, then calls
// `weight_pictures(params, run_dir)` for the model's own. `data_dir`, if not
// empty, replaces the data folder recorded in config.json. `program` titles
// the curves. Returns the run's configuration.
template <class Model, class WeightPictures>
ctgrad::train::TrainConfig write_run_report(const std::filesystem::path& run_dir,
                                            const std::filesystem::path& data_dir, const std::string& program,
                                            WeightPictures&& weight_pictures) {
  using namespace ctgrad::train;
  const TrainConfig config = config_from_json(run_dir / "config.json");
  const auto rows = ctgrad::io::read_metrics_csv(run_dir / "metrics.csv");
  write_learning_curves(run_dir / "learning_curves.png", rows,
                        program + (config.recipe == program ? "" : " --recipe " + config.recipe) + ": error per pass" +
                            (config.kernels_ran.empty() ? "" : ", " + config.kernels_ran + " kernels"));
  // The mistakes are the run's own: the test split on the kernel set it
  // trained with, where this CPU has it (another set may differ by a miss).
  try {
    ctgrad::kernels::select_kernels(
        ctgrad::kernels::kernel_set(config.kernels_ran.empty() ? config.kernels : config.kernels_ran));
  } catch (const std::invalid_argument&) {
    ctgrad::kernels::select_kernels(ctgrad::kernels::best_kernels());
  }

  auto params = std::make_unique<typename Model::params_type>();
  ctgrad::load_parameters(run_dir / "weights.safetensors", *params);
  weight_pictures(*params, run_dir);

  const Split test = load_split<Model>(data_dir.empty() ? std::filesystem::path(config.data) : data_dir, "test");
  std::vector<std::uint32_t> predicted;
  evaluate<Model, ctgrad::kernels::Selected>(*params, test, std::max(1u, std::thread::hardware_concurrency()), &predicted);
  // Images of [planes,] side x side; the picture shows each one's first plane.
  constexpr auto dims = Model::image_shape::dims;
  constexpr std::size_t side = dims[dims.size() - 1];
  static_assert(dims.size() >= 2 && dims[dims.size() - 2] == side,
                "write_run_report: the mistakes picture draws square images");
  constexpr std::size_t plane_size = side * side;
  std::vector<float> images;
  std::vector<std::uint8_t> truth, guesses;  // class numbers, at most 255 in a picture
  for (std::size_t i = 0; i < test.count(); ++i) {
    if (predicted[i] == test.labels[i]) continue;
    const auto image = example<Model>(test, i);
    images.insert(images.end(), image.begin(), image.begin() + plane_size);  // the first plane
    truth.push_back(static_cast<std::uint8_t>(test.labels[i]));
    guesses.push_back(static_cast<std::uint8_t>(predicted[i]));
  }
  char title[128];
  std::snprintf(title, sizeof title, "test mistakes: %zu of %zu (t: true, p: predicted)", truth.size(), test.count());
  write_mistakes_grid(run_dir / "mistakes.png", images, truth, guesses, side, title);
  std::printf("report: %zu test mistakes on the %s kernels\n", truth.size(), ctgrad::kernels::selected_kernels().name);
  std::printf("report: to run the network elsewhere, export it as ONNX (docs/deploying.md): %s export --weights %s "
              "--out %s\n",
              program.c_str(), (run_dir / "weights.safetensors").c_str(), (run_dir / "model.onnx").c_str());
  return config;
}

// The report of a run of whichever of a program's variants (Variants,
// train/variants.hpp) the run folder's config.json names, as ModelOf<Variant>:
// write_run_report with `weight_pictures`, which takes any of their parameter
// structs. A run of another program is refused, naming its variant.
template <class Variants, template <class> class ModelOf, class WeightPictures>
void write_variant_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir,
                          const std::string& program, WeightPictures&& weight_pictures) {
  const std::string variant = ctgrad::train::config_from_json(run_dir / "config.json").variant;
  if (!Variants::contains(variant))
    ctgrad::io::fail(run_dir / "config.json",
                     "expected a " + program + " run" + Variants::listed() + ", found variant '" + variant + "'");
  Variants::visit(variant, [&]<class Variant>() {
    write_run_report<ModelOf<Variant>>(run_dir, data_dir, program, weight_pictures);
  });
}

}  // namespace report
