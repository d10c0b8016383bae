#include "lenet1/report.hpp"

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include <ctgrad/report/metrics_csv.hpp>
#include <ctgrad/report/plots.hpp>
#include <ctgrad/report/png.hpp>

#include "lenet1/train.hpp"

namespace lenet1 {

namespace {

// The test-set examples the trained network gets wrong, in example order.
template <class Variant>
void collect_mistakes(Params& params, const Split& test, std::vector<float>& images, std::vector<std::uint8_t>& truth,
                      std::vector<std::uint8_t>& predicted) {
  auto expression = Model<Variant>::loss(params, no_dropout, 0.f);
  auto graph = std::make_unique<Graph<decltype(expression), ctgrad::kernels::Simd>>(expression);
  auto output = Model<Variant>::network(params, no_dropout, 0.f);
  for (std::size_t i = 0; i < test.count(); ++i) {
    load_example<Model<Variant>>(*graph, example_image(test, i), test.labels[i]);
    graph->forward();
    const auto guess = static_cast<std::uint8_t>(argmax(graph->value(output).data(), Scores::size));
    if (guess == test.labels[i]) continue;
    const auto image = example_image(test, i);
    images.insert(images.end(), image.begin(), image.end());
    truth.push_back(test.labels[i]);
    predicted.push_back(guess);
  }
}

}  // namespace

void write_report(const std::filesystem::path& run_dir, const std::filesystem::path& data_dir) {
  const auto config_path = run_dir / "config.json";
  std::ifstream config_file(config_path);
  if (!config_file) ctgrad::io::fail(config_path, "expected the run's configuration (a run folder written by --out), found no file");
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(config_file);
  } catch (const nlohmann::json::exception& error) {
    ctgrad::io::fail(config_path, std::string("expected JSON, found a parse error: ") + error.what());
  }
  const std::string recipe = config.value("recipe", "1989");
  const std::string variant = config.value("variant", "1989");
  const std::filesystem::path data = data_dir.empty() ? std::filesystem::path(config.value("data", "data")) : data_dir;

  const auto rows = ctgrad::report::read_metrics_csv(run_dir / "metrics.csv");
  ctgrad::report::write_png(run_dir / "learning_curves.png",
                            ctgrad::report::learning_curves(rows, "lenet1 --recipe " + recipe + ": error per pass"));

  auto params = std::make_unique<Params>();
  ctgrad::io::load_parameters(run_dir / "weights.safetensors", *params);
  ctgrad::report::write_png(run_dir / "h1_kernels.png",
                            ctgrad::report::kernel_grid(params->H1w.value.span(), 12, 5, "H1 kernels (5x5)"));

  const Split test = load_split(data, "test");
  std::vector<float> images;
  std::vector<std::uint8_t> truth, predicted;
  if (variant == "modern")
    collect_mistakes<Modern>(*params, test, images, truth, predicted);
  else if (variant == "softmax")
    collect_mistakes<Softmax>(*params, test, images, truth, predicted);
  else
    collect_mistakes<Classic>(*params, test, images, truth, predicted);
  char title[128];
  std::snprintf(title, sizeof title, "test mistakes: %zu of %zu (t: true, p: predicted)", truth.size(), test.count());
  ctgrad::report::write_png(run_dir / "mistakes.png", ctgrad::report::mistakes_grid(images, truth, predicted, 16, title));
  std::printf("report: %s/{learning_curves,mistakes,h1_kernels}.png\n", run_dir.c_str());
}

}  // namespace lenet1
