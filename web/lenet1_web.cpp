// lenet1 in the browser: what web/worker.js calls in the WebAssembly module.
// The 1989 recipe's per-example training and evaluation, a forward pass
// with the H1 and H2 planes for a drawn digit, and the readers of the
// prepared data (.npy) and of weights (safetensors), all the project's own
// code. Files come through Emscripten's in-memory file system, where the
// worker writes what the page fetched or the person chose.
//
// Every function returns 0 (or a count, or a class) on success and -1 on
// failure, with the one-line message in web_error(): no error reaches the
// page as a trap.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>

#include <emscripten/emscripten.h>

#include <ctgrad/nn/weights.hpp>
#include <ctgrad/train/evaluate.hpp>
#include <ctgrad/train/model.hpp>

#include "lenet1/model.hpp"
#include "lenet1/prepare.hpp"
#include "lenet1/recipes.hpp"
#include "web/normalize.hpp"

namespace {

using namespace lenet1;
using ctgrad::train::EvalResult;
using ctgrad::train::TrainConfig;
using K = ctgrad::kernels::Selected;  // the module's one SIMD set (web/CMakeLists.txt)

// The 1989 network as the trainer takes a model (ctgrad/train/model.hpp),
// as lenet1/train.hpp's Model<Classic> is; not that header itself, which
// brings the whole trainer (run folders, threads, MPI) the page has no use
// for, and parts of it Emscripten's libc++ cannot compile (floating-point
// std::to_chars).
struct Network {
  using params_type = Params;
  using image_shape = Image;
  static constexpr std::size_t classes = Scores::size;
  static constexpr ctgrad::train::Targets targets = ctgrad::train::Targets::plus_minus_one;
  static auto network(Params& p, const ctgrad::DropoutControl&, float) { return lenet1::network<Classic>(p); }
  static auto loss(Params& p, const ctgrad::DropoutControl&, float) { return training_loss<Classic>(p); }
};
using NetworkGraph = ctgrad::train::ModelGraph<Network, K>;

// The recipe the page trains: `lenet1 train`'s default.
const TrainConfig& recipe() { return recipes.front().config; }

// What `lenet1 train` builds before its first step (ctgrad/train/trainer.hpp:
// train), for one set of parameters.
struct Weights {
  Params params;
  std::unique_ptr<NetworkGraph> graph;  // bound to params
  void bind() { graph = std::make_unique<NetworkGraph>(Network::loss(params, ctgrad::no_dropout, 0.f)); }
};

struct State {
  ctgrad::data::Split train, test;
  Weights trained, shipped, loading;
  bool has_trained = false, has_shipped = false;
  Weights* shown = nullptr;  // the weights web_classify uses
  std::size_t next_example = 0;  // the per-example step's place in the training split
  float learning_rate = 0;
  EvalResult train_result, test_result;
  std::array<float, web::mnist_side * web::mnist_side> digit28{};
  std::array<float, image_side * image_side> digit16{};
  std::array<float, Scores::size> scores{};
  std::array<float, 12 * 8 * 8> h1{};
  std::array<float, 12 * 4 * 4> h2{};
  std::string error;
};

State& state() {
  static State* const s = new State;  // lives as long as the page
  return *s;
}

template <class F>
int reporting_errors(F&& body) {
  try {
    return body();
  } catch (const std::exception& error) {
    state().error = error.what();
  } catch (...) {
    state().error = "unexpected error of an unknown kind";
  }
  return -1;
}

int fail(std::string message) {
  state().error = std::move(message);
  return -1;
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* web_error() { return state().error.c_str(); }

// The training and test splits `lenet1 prepare` wrote into `dir`; returns the
// number of training digits.
EMSCRIPTEN_KEEPALIVE int web_load_data(const char* dir) {
  return reporting_errors([&] {
    State& s = state();
    s.train = load_prepared(dir, "train");
    s.test = load_prepared(dir, "test");
    return static_cast<int>(s.train.count());
  });
}

EMSCRIPTEN_KEEPALIVE int web_recipe_passes() { return recipe().passes; }

// A new run of the recipe from `seed`'s initialization, as `lenet1 train
// --seed` starts one.
EMSCRIPTEN_KEEPALIVE int web_train_begin(std::uint32_t seed) {
  return reporting_errors([&] {
    State& s = state();
    const TrainConfig& config = recipe();
    if (config.batch != 1 || config.optimizer != "sgd" || config.learning_rate_decay || config.augment)
      return fail("the page trains only per-example SGD at a constant rate, and recipe " + config.recipe +
                  " is not that");
    if (s.train.count() == 0) return fail("no training data: load the prepared digits first");
    initialize(s.trained.params, seed, static_cast<float>(config.output_bias));
    if (!s.trained.graph) s.trained.bind();
    s.learning_rate = static_cast<float>(config.learning_rate);
    s.next_example = 0;
    s.has_trained = true;
    return 0;
  });
}

// Up to `count` per-example steps, in data order, within the current pass
// (the trainer's batch-1 branch); returns the steps taken, 0 at the pass's
// end (the next call starts the next pass).
EMSCRIPTEN_KEEPALIVE int web_train_steps(int count) {
  State& s = state();
  if (!s.has_trained) return fail("no training run: start one first");
  if (s.next_example == s.train.count()) {
    s.next_example = 0;
    return 0;
  }
  int taken = 0;
  for (; taken < count && s.next_example < s.train.count(); ++taken, ++s.next_example) {
    // `lenet1 train`'s step for batch 1 (ctgrad/train/trainer.hpp: train).
    NetworkGraph& graph = *s.trained.graph;
    ctgrad::train::load_example<Network>(graph, 0, ctgrad::train::example<Network>(s.train, s.next_example),
                                            s.train.labels[s.next_example]);
    graph.forward();
    const float loss = graph.loss();
    if (std::isfinite(loss)) graph.backward();
    ctgrad::sgd_step<K>(s.trained.params, s.learning_rate);
    if (!std::isfinite(loss))
      return fail("training diverged at example " + std::to_string(s.next_example + 1) + ": the loss is " +
                  std::to_string(loss));
  }
  return taken;
}

// Both splits' loss and misses with the trained weights, as the trainer
// evaluates after each pass; read them with web_result.
EMSCRIPTEN_KEEPALIVE int web_evaluate() {
  return reporting_errors([&] {
    State& s = state();
    if (!s.has_trained) return fail("no training run: start one first");
    s.train_result = ctgrad::train::evaluate<Network, K>(s.trained.params, s.train, 1);
    s.test_result = ctgrad::train::evaluate<Network, K>(s.trained.params, s.test, 1);
    return 0;
  });
}

// 0: train loss, 1: train misses, 2: test loss, 3: test misses, 4: train
// count, 5: test count.
EMSCRIPTEN_KEEPALIVE double web_result(int which) {
  const State& s = state();
  switch (which) {
    case 0: return s.train_result.loss;
    case 1: return static_cast<double>(s.train_result.misses);
    case 2: return s.test_result.loss;
    case 3: return static_cast<double>(s.test_result.misses);
    case 4: return static_cast<double>(s.train_result.count);
    case 5: return static_cast<double>(s.test_result.count);
    default: return std::nan("");
  }
}

// Weights `lenet1 train --save` wrote, checked whole before they replace
// the shipped ones (a bad file leaves those as they were).
EMSCRIPTEN_KEEPALIVE int web_load_weights(const char* file) {
  return reporting_errors([&] {
    State& s = state();
    ctgrad::load_parameters(file, s.loading.params);
    s.shipped.params = s.loading.params;
    if (!s.shipped.graph) s.shipped.bind();
    s.has_shipped = true;
    return 0;
  });
}

// Which weights web_classify uses: 1 the shipped ones, 0 those being trained.
EMSCRIPTEN_KEEPALIVE int web_use_weights(int shipped) {
  State& s = state();
  if (shipped ? !s.has_shipped : !s.has_trained)
    return fail(shipped ? "no weights loaded yet" : "no weights trained yet: press Train first");
  s.shown = shipped ? &s.shipped : &s.trained;
  return 0;
}

// The drawing (width x height values, 0 paper to 1 ink) as an MNIST digit,
// then a 16x16 one, then through the network; returns the class, and leaves
// the digits, the ten outputs and the H1 and H2 planes for web_view.
EMSCRIPTEN_KEEPALIVE int web_classify(const float* ink, int width, int height) {
  return reporting_errors([&] {
    State& s = state();
    if (!s.shown) return fail("no weights to classify with");
    if (width <= 0 || height <= 0) return fail("the drawing has no pixels");
    const auto pixels = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    const web::Drawing drawing{{ink, pixels}, static_cast<std::size_t>(width), static_cast<std::size_t>(height)};
    if (!web::mnist_digit(drawing, s.digit28)) return fail("nothing drawn yet");
    web::prepared_digit(s.digit28, s.digit16);
    NetworkGraph& graph = *s.shown->graph;
    ctgrad::train::load_example<Network>(graph, 0, s.digit16, 0);
    graph.forward();
    const auto output = Network::network(s.shown->params, ctgrad::no_dropout, 0.f);
    const auto [h1, h2] = hidden_planes<Classic>(s.shown->params);
    std::copy(graph.value(output).begin(), graph.value(output).end(), s.scores.begin());
    std::copy(graph.value(h1).begin(), graph.value(h1).end(), s.h1.begin());
    std::copy(graph.value(h2).begin(), graph.value(h2).end(), s.h2.begin());
    return static_cast<int>(ctgrad::train::argmax(s.scores.data(), s.scores.size()));
  });
}

// What web_classify left: 0 the 28x28 digit, 1 the 16x16 input, 2 the ten
// outputs, 3 H1 (12 planes of 8x8), 4 H2 (12 of 4x4).
EMSCRIPTEN_KEEPALIVE const float* web_view(int which) {
  State& s = state();
  switch (which) {
    case 0: return s.digit28.data();
    case 1: return s.digit16.data();
    case 2: return s.scores.data();
    case 3: return s.h1.data();
    case 4: return s.h2.data();
    default: return nullptr;
  }
}

// The kernel set the module runs and its vector width, for the page.
EMSCRIPTEN_KEEPALIVE const char* web_kernels() {
  static const std::string text =
      std::string(K::set()) + " (" + K::arch() + ", " + std::to_string(K::width()) + " floats a vector)";
  return text.c_str();
}

}  // extern "C"
