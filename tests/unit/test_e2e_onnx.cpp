// The ONNX export checked by a real runtime. Each shipped model (LeNet-1's
// 1989 and modern recipes, the micro-ViT, LeNet-5's 1998 and modern
// variants), trained briefly on the real data, is exported by its program's
// `export` command and run by ONNX Runtime (onnxruntime-node, installed by
// scripts/onnxruntime.sh; tests/onnx/run_model.js) on the whole test split;
// the outputs must be within 1e-5 of ctgrad's forward, with the same
// predicted class for every example and so the same test error, and the file
// must pass ONNX's own checker (python3-onnx). A network of the ops no
// shipped model uses is checked the same way. The export command's mistakes
// (no recipe, the wrong one, wrong weights, no weights) are one line each.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/npy.hpp>
#include <ctgrad/io/onnx.hpp>

#include "tests/support/e2e.hpp"

using namespace ctgrad::testing;  // tests/support/e2e.hpp: the programs, run folders, signals

namespace {

const std::filesystem::path onnxruntime_dir = CTGRAD_ONNXRUNTIME_DIR;
const std::string node_exe = CTGRAD_NODE_EXE;
const std::string run_model_js = std::string(CTGRAD_SOURCE_DIR) + "/tests/onnx/run_model.js";
// python3-onnx is Debian's package, for Debian's python (not one a PATH may put first).
const std::string debian_python = "/usr/bin/python3";
constexpr float tolerance = 1e-5f;

// ONNX Runtime's outputs for `examples` (.npy) through `model`, as .npy in `out`.
ctgrad::io::NpyArray<float> run_in_onnxruntime(const std::filesystem::path& model,
                                               const std::filesystem::path& examples,
                                               const std::filesystem::path& out) {
  INFO("ONNX Runtime is installed by `bash scripts/onnxruntime.sh` (scripts/quickstart.sh test runs it)");
  REQUIRE(std::filesystem::exists(onnxruntime_dir / "node_modules/onnxruntime-node/package.json"));
  run_ok("NODE_PATH=" + (onnxruntime_dir / "node_modules").string() + " " + node_exe + " " + run_model_js + " " +
         model.string() + " " + examples.string() + " " + out.string());
  return ctgrad::io::read_npy<float>(out);
}

// ONNX's checker, with shape inference (full_check), passes the file.
void check_with_onnx_checker(const std::filesystem::path& model) {
  INFO("ONNX's checker is Debian's python3-onnx (scripts/quickstart.sh test installs it)");
  const std::string check = "import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)";
  run_ok(debian_python + " -c \"" + check + "\" " + model.string());
}

std::size_t argmax_row(const std::vector<float>& values, std::size_t row, std::size_t width) {
  const auto first = values.begin() + static_cast<std::ptrdiff_t>(row * width);
  return static_cast<std::size_t>(std::max_element(first, first + static_cast<std::ptrdiff_t>(width)) - first);
}

struct Agreement {
  float max_difference = 0;
  std::size_t different_classes = 0, ctgrad_misses = 0, runtime_misses = 0;
};

// ctgrad's and the runtime's outputs, row by row, against the labels (if any).
Agreement compare(const ctgrad::io::NpyArray<float>& ctgrad_out, const ctgrad::io::NpyArray<float>& runtime_out,
                  const std::vector<std::int64_t>& labels = {}) {
  REQUIRE(ctgrad_out.shape == runtime_out.shape);
  const std::size_t rows = ctgrad_out.shape[0], width = ctgrad_out.values.size() / rows;
  Agreement agreement;
  for (std::size_t i = 0; i < ctgrad_out.values.size(); ++i)
    agreement.max_difference =
        std::max(agreement.max_difference, std::abs(ctgrad_out.values[i] - runtime_out.values[i]));
  for (std::size_t row = 0; row < rows; ++row) {
    const std::size_t ours = argmax_row(ctgrad_out.values, row, width);
    const std::size_t theirs = argmax_row(runtime_out.values, row, width);
    agreement.different_classes += ours != theirs;
    if (!labels.empty()) {
      agreement.ctgrad_misses += static_cast<std::int64_t>(ours) != labels[row];
      agreement.runtime_misses += static_cast<std::int64_t>(theirs) != labels[row];
    }
  }
  return agreement;
}

// `program export` of a run folder's weights, with ctgrad's test-split
// scores, then the checker and the runtime on the same split.
void export_and_compare(const std::string& program, const std::string& name, const std::filesystem::path& run,
                        const std::filesystem::path& data) {
  const auto model = run / "model.onnx", scores = run / "scores.npy";
  const std::string exported = run_ok(program + " export --weights " + (run / "weights.safetensors").string() +
                                      " --out " + model.string() + " --data " + data.string() + " --scores " +
                                      scores.string());
  CHECK(exported.find("export: " + model.string() + " (ONNX opset 17") != std::string::npos);
  check_with_onnx_checker(model);
  const auto labels = ctgrad::io::read_npy_labels(data / "test_labels.npy");
  const Agreement agreement = compare(ctgrad::io::read_npy<float>(scores),
                                      run_in_onnxruntime(model, data / "test_images.npy", run / "onnxruntime.npy"),
                                      labels.values);
  const double count = static_cast<double>(labels.values.size());
  std::printf("onnx: %s: %zu test examples, max abs difference %.3g, %zu classes differ, test error %.2f%% (ctgrad) "
              "%.2f%% (ONNX Runtime)\n",
              name.c_str(), labels.values.size(), static_cast<double>(agreement.max_difference),
              agreement.different_classes, 100.0 * static_cast<double>(agreement.ctgrad_misses) / count,
              100.0 * static_cast<double>(agreement.runtime_misses) / count);
  CHECK(agreement.max_difference <= tolerance);
  CHECK(agreement.different_classes == 0);
  CHECK(agreement.ctgrad_misses == agreement.runtime_misses);
  // The export's own line gives ctgrad's test error: the same misses.
  CHECK(exported.find(std::to_string(agreement.ctgrad_misses) + " misses") != std::string::npos);
}

// Fashion-MNIST as `lenet5 prepare` writes it (60,000 train, 10,000 test).
const std::filesystem::path& fashion() {
  static const std::filesystem::path dir = [] {
    const auto d = ctgrad::testing::scratch_dir("ctgrad_onnx", "fashion");
    run_ok(lenet5_exe + " prepare --out " + d.string());
    return d;
  }();
  return dir;
}

}  // namespace

TEST_CASE("LeNet-1 (1989 and modern) exported to ONNX gives ctgrad's outputs in ONNX Runtime", "[e2e][onnx]") {
  for (const std::string recipe : {"1989", "modern"}) {
    INFO("recipe " << recipe);
    const auto run = ctgrad::testing::scratch_dir("ctgrad_onnx", "lenet1_" + recipe);
    run_ok(lenet1_exe + " train --recipe " + recipe + " --passes 1 --data " + ctgrad::testing::data_dir + " --out " +
           run.string() + " --overwrite");
    export_and_compare(lenet1_exe, "lenet1 --recipe " + recipe, run, ctgrad::testing::data_dir);
  }
}

TEST_CASE("the micro-ViT exported to ONNX gives ctgrad's outputs in ONNX Runtime", "[e2e][onnx]") {
  const auto run = ctgrad::testing::scratch_dir("ctgrad_onnx", "micro_vit");
  run_ok(micro_vit_exe + " train --passes 1 --data " + ctgrad::testing::data_dir + " --out " + run.string());
  export_and_compare(micro_vit_exe, "micro_vit", run, ctgrad::testing::data_dir);
}

TEST_CASE("LeNet-5 (1998 and modern) exported to ONNX gives ctgrad's outputs in ONNX Runtime", "[e2e][onnx]") {
  for (const std::string recipe : {"1998", "modern"}) {
    INFO("recipe " << recipe);
    const auto run = ctgrad::testing::scratch_dir("ctgrad_onnx", "lenet5_" + recipe);
    // The 1998 recipe's per-example SDLM needs some thousands of steps to
    // leave the start, where every example gets one class.
    const std::string steps = recipe == "1998" ? "10000" : "300";
    run_ok(lenet5_exe + " train --recipe " + recipe + " --steps " + steps + " --data " + fashion().string() +
           " --out " + run.string());
    export_and_compare(lenet5_exe, "lenet5 --recipe " + recipe, run, fashion());
  }
}

TEST_CASE("export takes the recipe from --recipe where no run folder says, and refuses mistakes in one line",
          "[e2e][onnx]") {
  const auto run = ctgrad::testing::scratch_dir("ctgrad_onnx", "flags");
  run_ok(lenet1_exe + " train --steps 10 --data " + ctgrad::testing::data_dir + " --out " + (run / "run").string());
  const auto loose = run / "loose.safetensors";  // the same weights with no config.json beside them
  std::filesystem::copy_file(run / "run/weights.safetensors", loose);
  const std::string out = " --out " + (run / "model.onnx").string();

  run_ok(lenet1_exe + " export --weights " + loose.string() + " --recipe 1989" + out);
  CHECK(std::filesystem::exists(run / "model.onnx"));
  std::filesystem::remove(run / "model.onnx");

  struct Refused {
    std::string command, message;
    int status;
  };
  const std::vector<Refused> refused = {
      {lenet1_exe + " export --weights " + loose.string() + out, "lenet1: --recipe: expected the recipe the weights "
                                                                 "were trained with, found neither --recipe nor a "
                                                                 "config.json beside " + loose.string(), 2},
      {lenet1_exe + " export --weights " + (run / "run/weights.safetensors").string() + " --recipe modern" + out,
       "says the weights are variant '1989', recipe 'modern' is variant 'modern'", 2},
      {lenet1_exe + " export --weights " + loose.string() + " --recipe nonsense" + out,
       "--recipe: expected a lenet1 recipe, found 'nonsense'", 2},
      {lenet5_exe + " export --weights " + loose.string() + " --recipe 1998" + out,
       "lenet5: --weights: " + loose.string(), 2},
      {lenet1_exe + " export --weights " + (run / "none.safetensors").string() + " --recipe 1989" + out,
       "--weights: File does not exist: " + (run / "none.safetensors").string(), 2},
      {lenet1_exe + " export --weights " + loose.string() + " --recipe 1989 --out " +
           (run / "no/such/model.onnx").string(),
       "lenet1: " + (run / "no/such/model.onnx").string() + ": cannot create temporary file", 1},
  };
  for (const Refused& r : refused) {
    const auto result = run_program(r.command);
    INFO(r.command << " -> " << result.output);
    CHECK(result.status == r.status);
    CHECK(result.output.find(r.message) != std::string::npos);
    CHECK(std::count(result.output.begin(), result.output.end(), '\n') == 1);
    CHECK(!std::filesystem::exists(run / "model.onnx"));
  }
}

// The ops no shipped model uses (sigmoid, softmax, multiply, subtract,
// offset, scale, transpose, concat of matrices, take, rows, columns,
// patchify, mean_tokens, plane_bias, subsample, max_pool, a matrix-vector
// matmul of the input), in one network compiled here: ctgrad's forward
// against ONNX Runtime's on random inputs.
namespace {

struct EveryOp {
  BOOST_HANA_DEFINE_STRUCT(EveryOp,
                           (ctgrad::Parameter<ctgrad::Shape<2, 4, 6>, "stack">, stack),
                           (ctgrad::Parameter<ctgrad::Shape<2>, "pool_w">, pool_w),
                           (ctgrad::Parameter<ctgrad::Shape<2>, "plane_b">, plane_b),
                           (ctgrad::Parameter<ctgrad::Shape<8, 6>, "gate">, gate),
                           (ctgrad::Parameter<ctgrad::Shape<6>, "row_b">, row_b),
                           (ctgrad::Parameter<ctgrad::Shape<24, 5>, "head">, head));
};

auto every_op_network(EveryOp& p) {
  using namespace ctgrad;
  auto x = input<Shape<2, 8, 8>>();
  auto projected = matmul(patchify<2>(x), p.gate);                                 // [16, 6]
  auto gated = sigmoid(projected) * tanh(projected - 0.25f);                        // multiply, offset
  auto mixed = row_bias(softmax(2.f * gated), p.row_b);                             // scale, softmax
  auto pooled = mean_tokens(concat(rows<0, 8>(mixed), rows<8, 8>(mixed)));          // [6]
  auto weights = transpose(columns<1, 4>(take<1>(p.stack)));                        // [4, 4], parameters only
  auto planes = plane_bias(max_pool<2>(x), p.plane_b) - subsample<2>(x, p.pool_w);  // [2, 4, 4]
  auto picked = flatten(matmul(take<0>(planes), weights));                          // [16]
  auto pair = matmul(pooled, columns<0, 2>(rows<0, 6>(mixed)));  // a batch of vectors times a batch of matrices: [2]
  return matmul(concat(concat(pooled, picked), pair), p.head);   // [5]
}

}  // namespace

TEST_CASE("every other op exported to ONNX gives ctgrad's outputs in ONNX Runtime", "[e2e][onnx]") {
  auto params = std::make_unique<EveryOp>();
  std::mt19937 rng(7);
  ctgrad::init_uniform_fan_in(*params, rng, 1.f);
  for (float& b : params->plane_b.value) b = 0.3f;
  auto network = every_op_network(*params);
  auto graph = std::make_unique<ctgrad::Graph<decltype(network), ctgrad::kernels::Selected>>(network);
  constexpr std::size_t count = 37, input_size = 2 * 8 * 8, outputs = 5;
  std::vector<float> inputs(count * input_size), ctgrad_outputs(count * outputs);
  std::uniform_real_distribution<float> uniform(-1.f, 1.f);
  for (float& value : inputs) value = uniform(rng);
  for (std::size_t i = 0; i < count; ++i) {
    std::copy_n(inputs.begin() + static_cast<std::ptrdiff_t>(i * input_size), input_size,
                graph->input<"x">().begin());
    graph->forward();
    std::copy_n(graph->value(network).begin(), outputs,
                ctgrad_outputs.begin() + static_cast<std::ptrdiff_t>(i * outputs));
  }
  const auto dir = ctgrad::testing::scratch_dir("ctgrad_onnx", "every_op");
  const std::size_t input_shape[] = {count, 2, 8, 8}, output_shape[] = {count, outputs};
  ctgrad::io::write_npy<float>(dir / "inputs.npy", input_shape, inputs);
  ctgrad::io::write_npy<float>(dir / "ctgrad.npy", output_shape, ctgrad_outputs);
  ctgrad::onnx::save(dir / "every_op.onnx", network);
  check_with_onnx_checker(dir / "every_op.onnx");
  const Agreement agreement =
      compare(ctgrad::io::read_npy<float>(dir / "ctgrad.npy"),
              run_in_onnxruntime(dir / "every_op.onnx", dir / "inputs.npy", dir / "onnxruntime.npy"));
  std::printf("onnx: every other op: %zu random inputs, max abs difference %.3g\n", count,
              static_cast<double>(agreement.max_difference));
  CHECK(agreement.max_difference <= tolerance);
  CHECK(agreement.different_classes == 0);
}
