#pragma once
// The training loop every program shares: per-example steps with SGD or
// AdamW, an optional learning-rate decay, 1-pixel shift augmentation and
// dropout, evaluation of both splits after every pass in the reference's
// format, a progress line, a run folder, and a stop on divergence.
//
// A Model is a type with
//   using params_type = ...;          // a BOOST_HANA_DEFINE_STRUCT of Parameters
//   using image_shape = Shape<...>;   // one input image (16x16 digits here)
//   static constexpr std::size_t classes;
//   static constexpr bool cross_entropy;  // one-hot targets (true) or +-1 targets for MSE
//   static auto network(params_type&, const DropoutControl&, float dropout);  // the scores
//   static auto loss(params_type&, const DropoutControl&, float dropout);     // scalar loss of them
#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <random>
#include <span>
#include <stdexcept>
#include <string_view>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "ctgrad/ctgrad.hpp"
#include "ctgrad/train/data_parallel.hpp"
#include "ctgrad/train/examples.hpp"
#include "ctgrad/train/run_folder.hpp"
#include "ctgrad/io/safetensors.hpp"

namespace ctgrad::training {

inline std::size_t argmax(const float* scores, std::size_t n) {
  return static_cast<std::size_t>(std::max_element(scores, scores + n) - scores);
}

// Forward passes over a split, spread over `threads` threads, each with its own
// graph (dropout off). Per-example losses are summed in example order
// afterwards, so the result does not depend on the thread count. If
// `predictions` is given, it receives each example's predicted class.
template <class Model, class K>
EvalResult evaluate(typename Model::params_type& params, const Split& split, unsigned threads,
                    std::vector<std::uint8_t>* predictions = nullptr) {
  check_model<Model>();
  const std::size_t count = split.count();
  std::vector<float> losses(count);
  std::vector<std::uint8_t> predicted(count);
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(count, 1))));
  auto work = [&](std::size_t begin, std::size_t end) {
    auto expression = Model::loss(params, no_dropout, 0.f);
    auto graph = std::make_unique<Graph<decltype(expression), K>>(expression);
    auto output = Model::network(params, no_dropout, 0.f);
    for (std::size_t i = begin; i < end; ++i) {
      load_example<Model>(*graph, 0, example_image(split, i), split.labels[i]);
      graph->forward();
      losses[i] = graph->loss();
      predicted[i] = static_cast<std::uint8_t>(argmax(graph->value(output).data(), Model::classes));
    }
  };
  std::vector<std::thread> pool;
  const std::size_t chunk = (count + threads - 1) / threads;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(work, std::min(count, t * chunk), std::min(count, (t + 1) * chunk));
  work(0, std::min(count, chunk));
  for (auto& thread : pool) thread.join();

  EvalResult result;
  result.count = count;
  double total = 0;
  for (std::size_t i = 0; i < count; ++i) {
    total += losses[i];
    result.misses += predicted[i] != split.labels[i];
  }
  result.loss = count ? total / static_cast<double>(count) : 0;
  if (predictions) *predictions = std::move(predicted);
  return result;
}

// The reference's eval line, byte for byte: "eval: split train. loss 4.073383e-03. error 0.62%. misses: 45"
inline void print_eval(std::FILE* out, const char* split_name, const EvalResult& result) {
  std::fprintf(out, "eval: split %-5s. loss %e. error %.2f%%. misses: %zu\n", split_name, result.loss,
               result.error_percent(), result.misses);
}

// Everything that defines a run; written to the run folder as config.json.
struct TrainConfig {
  std::string recipe = "1989";
  std::string variant = "1989";
  int passes = 23;
  double learning_rate = 0.03;
  std::string optimizer = "sgd";
  bool learning_rate_decay = false;
  bool augment = false;
  double dropout = 0;
  double output_bias = -1;
  std::uint32_t seed = 1;
  long long steps = -1;  // total SGD steps before stopping; -1: all passes; 0: evaluate only
  unsigned threads = 1;
  std::string kernels = "simd";
  std::string data = "data";
  std::string init;  // weights to start from (safetensors), or empty
  long long checkpoint_every = 0;  // steps between checkpoints in the run folder; 0: none
  std::size_t batch = 1;        // examples per step; 1: the paper's per-example training, in data order
  bool one_cycle = false;       // one-cycle schedule peaking at the learning rate (replaces lr_decay)
  double warmup = 0.1;          // the one-cycle warm-up, as a fraction of the steps
  double target_test_error = 0; // stop after the first pass whose test error (%) is at most this; 0: never
};

inline nlohmann::json to_json(const TrainConfig& c) {
  return {{"recipe", c.recipe},     {"variant", c.variant}, {"passes", c.passes},
          {"lr", c.learning_rate},  {"optimizer", c.optimizer}, {"lr_decay", c.learning_rate_decay},
          {"augment", c.augment},   {"dropout", c.dropout}, {"output_bias", c.output_bias},
          {"seed", c.seed},         {"steps", c.steps},     {"threads", c.threads},
          {"kernels", c.kernels},   {"data", c.data},       {"init", c.init},
          {"checkpoint_every", c.checkpoint_every}, {"batch", c.batch}, {"one_cycle", c.one_cycle},
          {"warmup", c.warmup},     {"target_test_error", c.target_test_error}};
}

// A run folder's config.json back into a TrainConfig (for --resume).
inline TrainConfig config_from_json(const std::filesystem::path& file) {
  std::ifstream stream(file);
  if (!stream) io::fail(file, "expected the run's configuration, found no readable file");
  TrainConfig c;
  try {
    const nlohmann::json j = nlohmann::json::parse(stream);
    c.recipe = j.at("recipe"), c.variant = j.at("variant"), c.passes = j.at("passes");
    c.learning_rate = j.at("lr"), c.optimizer = j.at("optimizer"), c.learning_rate_decay = j.at("lr_decay");
    c.augment = j.at("augment"), c.dropout = j.at("dropout"), c.output_bias = j.at("output_bias");
    c.seed = j.at("seed"), c.steps = j.at("steps"), c.threads = j.at("threads"), c.kernels = j.at("kernels");
    c.data = j.at("data"), c.init = j.at("init"), c.checkpoint_every = j.value("checkpoint_every", 0LL);
    // Runs written before minibatches were per-example.
    c.batch = j.value("batch", std::size_t{1}), c.one_cycle = j.value("one_cycle", false);
    c.warmup = j.value("warmup", 0.1), c.target_test_error = j.value("target_test_error", 0.0);
  } catch (const nlohmann::json::exception& error) {
    io::fail(file, std::string("expected a run configuration written by --out, found: ") + error.what());
  }
  // The ranges the programs' flags allow: an edited file must not divide by
  // a zero batch or allocate for an absurd one.
  if (c.batch < 1 || c.batch > 4096)
    io::fail(file, "expected a batch of 1 to 4096, found " + std::to_string(c.batch));
  if (!(c.warmup >= 0 && c.warmup <= 1)) io::fail(file, "expected a warmup in [0, 1], found " + std::to_string(c.warmup));
  return c;
}

// --resume DIR: the configuration the run in DIR started with. Refuses a
// folder without a checkpoint, or one of another program (`variants` are the
// calling program's own). From the command line it takes only what does not
// change the numbers: the evaluation threads, and the data folder if given
// (empty: the run's own).
inline TrainConfig resume_config(const std::filesystem::path& dir, std::initializer_list<std::string_view> variants,
                                 std::string_view program, unsigned threads, const std::string& data) {
  if (!std::filesystem::is_regular_file(dir / "checkpoint.safetensors"))
    throw UsageError("--resume: expected a run folder holding checkpoint.safetensors (written by --checkpoint-every "
                     "or Ctrl-C), found none in " + dir.string());
  TrainConfig config = config_from_json(dir / "config.json");
  if (std::find(variants.begin(), variants.end(), config.variant) == variants.end())
    throw UsageError("--resume: " + dir.string() + " holds a run of variant '" + config.variant + "', not a " +
                     std::string(program) + " one");
  config.threads = threads;
  if (!data.empty()) config.data = data;
  return config;
}

// A live "pass 3/23  step 1234/7291  95.1k ex/s  ETA 0:42" line on a terminal;
// nothing when stdout is a pipe or file (CI), where only the pass lines print.
class Progress {
 public:
  explicit Progress(long long total_steps) : total_(total_steps), enabled_(::isatty(::fileno(stdout)) == 1) {}
  void update(int pass, int passes, std::size_t step, std::size_t steps_per_pass, long long done) {
    if (!enabled_ || (done & 1023) != 0) return;
    const double elapsed = seconds();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    const double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    std::fprintf(stdout, "\r\033[Kpass %d/%d  step %zu/%zu  %.1fk ex/s  ETA %d:%02d", pass, passes, step,
                 steps_per_pass, rate / 1000, static_cast<int>(left) / 60, static_cast<int>(left) % 60);
    std::fflush(stdout);
  }
  void clear() {
    if (enabled_) std::fprintf(stdout, "\r\033[K");
  }
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  long long total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Names the first parameter holding a NaN or infinity, or returns empty.
template <class Params>
std::string first_non_finite_parameter(Params& params) {
  std::string name;
  for_each_parameter(params, [&](auto& parameter) {
    if (name.empty() && !std::all_of(parameter.value.begin(), parameter.value.end(), [](float v) { return std::isfinite(v); }))
      name = std::string(parameter.name);
  });
  return name;
}

struct Diverged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Ctrl-C: the training loop sees this flag after the current step, writes a
// checkpoint and stops (exit status 130 in the programs).
inline std::atomic<bool> interrupt_requested{false};
// A second Ctrl-C, while the checkpoint is being written, kills as usual.
extern "C" inline void request_interrupt(int) {
  interrupt_requested.store(true);
  std::signal(SIGINT, SIG_DFL);
}
struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// CTGRAD_PAUSE_AT_STEP=N (a positive step number) freezes a run after step N
// (and after its checkpoint, if one is due there): it prints "paused at step
// N" to stderr and waits for a signal. Ctrl-C then stops it as usual. Tests
// use it to interrupt or kill a run at a step they chose instead of at a time
// they guessed, which would race the trainer on a fast machine; a user can
// use it to freeze a run at a known point. 0 when unset.
inline long long pause_step_from_environment() {
  const char* text = std::getenv("CTGRAD_PAUSE_AT_STEP");
  if (text == nullptr || *text == '\0') return 0;
  char* end = nullptr;
  const long long step = std::strtoll(text, &end, 10);
  if (*end != '\0' || step <= 0)
    throw UsageError(std::string("CTGRAD_PAUSE_AT_STEP: expected a positive step number, found '") + text + "'");
  return step;
}

// Waits for Ctrl-C (or a signal that ends the process). SIGINT is blocked
// while the line is printed, so a signal sent as soon as the line appears is
// not lost before sigsuspend starts waiting.
inline void pause_until_signal(long long step) {
  sigset_t interrupt, previous;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  pthread_sigmask(SIG_BLOCK, &interrupt, &previous);
  std::fprintf(stderr, "paused at step %lld (CTGRAD_PAUSE_AT_STEP): waiting for a signal\n", step);
  std::fflush(stderr);
  sigset_t waiting = previous;
  sigdelset(&waiting, SIGINT);
  while (!interrupt_requested.load()) sigsuspend(&waiting);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

// Steps in a pass of `examples` examples, `batch` a step (the last may be smaller).
inline std::size_t steps_per_pass(std::size_t examples, std::size_t batch) { return (examples + batch - 1) / batch; }

// The order of a pass's examples when training in minibatches: a
// Fisher-Yates shuffle by a generator seeded from the run's seed and the pass
// alone, so a resumed run draws the same order again.
inline void shuffled_order(std::vector<std::size_t>& order, std::uint32_t seed, int pass) {
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::seed_seq sequence{seed, static_cast<std::uint32_t>(pass), 0x5bd1e995u};
  std::mt19937 rng(sequence);
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[uniform_below(rng, static_cast<std::uint32_t>(i))]);
}

// The 0-based pass holding step number `done` (1-based; 0 for none): also
// the number of passes evaluated before any checkpoint written at that step,
// since a pass's evaluation comes after its last step and that checkpoint.
inline int pass_of_step(long long done, std::size_t per_pass) {
  return done == 0 ? 0 : static_cast<int>((done - 1) / static_cast<long long>(per_pass));
}

// Everything a step carries to the next besides the parameters: the graph's
// buffers are recomputed every step, so this is the whole training state.
template <class Params>
struct TrainingState {
  std::unique_ptr<AdamW<Params>> adamw = std::make_unique<AdamW<Params>>();
  std::mt19937 noise;   // dropout masks and shifts
  long long done = 0;   // steps taken
};

// A checkpoint is a safetensors file: the parameters under their own names,
// AdamW's moments as "adamw.exp_avg.<name>" / "adamw.exp_avg_sq.<name>", and
// the step counters and the generator's state as metadata. Written atomically.
template <class Params>
void save_checkpoint(const std::filesystem::path& file, Params& params, const TrainingState<Params>& state) {
  std::vector<io::TensorView> tensors;
  for_each_parameter(params, [&](auto& p) {
    using S = typename std::remove_cvref_t<decltype(p)>::shape;
    const std::vector<std::size_t> dims(S::dims.begin(), S::dims.end());
    const auto& moments = state.adamw->moments_of(p);
    tensors.push_back({std::string(p.name), dims, p.value.span()});
    tensors.push_back({"adamw.exp_avg." + std::string(p.name), dims, moments.exp_avg.span()});
    tensors.push_back({"adamw.exp_avg_sq." + std::string(p.name), dims, moments.exp_avg_sq.span()});
  });
  std::ostringstream noise;
  noise << state.noise;
  io::write_safetensors(file, tensors,
                        {{"steps_done", std::to_string(state.done)},
                         {"adamw_steps", std::to_string(state.adamw->steps)},
                         {"noise", noise.str()}});
}

template <class Params>
void load_checkpoint(const std::filesystem::path& file, Params& params, TrainingState<Params>& state) {
  std::map<std::string, std::string> metadata;
  auto tensors = io::read_safetensors(file, &metadata);
  auto take = [&](const std::string& name, auto& tensor) {
    const auto found = tensors.find(name);
    if (found == tensors.end() || found->second.values.size() != tensor.size)
      io::fail(file, "expected tensor " + name + " of " + std::to_string(tensor.size) + " values, found none or another size");
    std::copy(found->second.values.begin(), found->second.values.end(), tensor.begin());
  };
  for_each_parameter(params, [&](auto& p) {
    auto& moments = state.adamw->moments_of(p);
    take(std::string(p.name), p.value);
    take("adamw.exp_avg." + std::string(p.name), moments.exp_avg);
    take("adamw.exp_avg_sq." + std::string(p.name), moments.exp_avg_sq);
    p.grad.fill(0.f);
  });
  try {
    state.done = std::stoll(metadata.at("steps_done"));
    state.adamw->steps = std::stoull(metadata.at("adamw_steps"));
    std::istringstream(metadata.at("noise")) >> state.noise;
  } catch (const std::exception&) {
    io::fail(file, "expected checkpoint metadata steps_done, adamw_steps and noise, found them missing or malformed");
  }
}

// Trains `params` as `config` says, printing the summary, the pass lines and
// the eval lines; returns the evaluations. The Model fixes the architecture
// (a compile-time choice); optimizer, schedule, augmentation and dropout rate
// are run-time.
template <class Model, class K>
std::vector<PassResult> train(const TrainConfig& config, const Split& train_split, const Split& test_split,
                              typename Model::params_type& params, RunFolder& folder,
                              TrainingState<typename Model::params_type>& state) {
  check_model<Model>();
  std::mt19937& noise = state.noise;
  DropoutControl dropout_control{&noise, true};
  const auto dropout_probability = static_cast<float>(config.dropout);
  auto expression = Model::loss(params, dropout_control, dropout_probability);
  using G = Graph<decltype(expression), K>;
  auto graph = std::make_unique<G>(expression);
  auto& adamw = state.adamw;
  print_summary<G>(std::cout);
  std::printf("data: %zu train, %zu test examples; recipe %s; kernels: %s; batch %zu; threads: %u\n",
              train_split.count(), test_split.count(), config.recipe.c_str(), K::name, config.batch, config.threads);
  std::fflush(stdout);

  // A step is one batch; the last batch of a pass may be smaller.
  const std::size_t batch = config.batch;
  const std::size_t per_pass = steps_per_pass(train_split.count(), batch);
  const long long total_steps = config.steps >= 0 ? config.steps : static_cast<long long>(per_pass) * config.passes;
  // Minibatches: a pool of config.threads threads, the shards' graphs, and
  // the pass's example order, all allocated before the first step.
  std::unique_ptr<ThreadPool> pool;
  std::unique_ptr<DataParallelStep<Model, K>> parallel;
  std::vector<std::size_t> order;
  if (batch > 1) {
    pool = std::make_unique<ThreadPool>(config.threads);
    parallel = std::make_unique<DataParallelStep<Model, K>>(batch, dropout_probability, *pool);
    order.resize(train_split.count());
  }
  Progress progress(total_steps);
  std::vector<PassResult> results;
  auto evaluate_both = [&](int pass) {
    PassResult r;
    r.pass = pass;
    r.train = evaluate<Model, K>(params, train_split, config.threads);
    r.test = evaluate<Model, K>(params, test_split, config.threads);
    r.seconds = progress.seconds();
    progress.clear();
    std::printf("%d\n", pass);
    print_eval(stdout, "train", r.train);
    print_eval(stdout, "test", r.test);
    std::fflush(stdout);
    folder.record(r);
    results.push_back(r);
  };

  const long long pause_step = pause_step_from_environment();
  const bool adam = config.optimizer == "adamw";
  long long& done = state.done;
  if (done > 0) std::printf("resume: at step %lld\n", done);
  std::fflush(stdout);
  auto checkpoint = [&] {
    if (!folder.active()) {  // Ctrl-C without --out: a new folder, never over an old one
      std::filesystem::path dir = "interrupted-run";
      for (int k = 2; std::filesystem::exists(dir); ++k) dir = "interrupted-run-" + std::to_string(k);
      folder = RunFolder(dir, to_json(config).dump(2) + "\n");
    }
    save_checkpoint(folder.checkpoint_path(), params, state);
  };
  // On resume, the pass holding the last step taken comes first: its
  // remaining steps, or only its evaluation if the checkpoint ended it.
  const bool resuming = done > 0;
  const int first_pass = pass_of_step(done, per_pass);
  double training_seconds = 0;  // in the steps only, evaluation excluded
  for (int pass = first_pass; pass < config.passes && (done < total_steps || (resuming && pass == first_pass)); ++pass) {
    const float pass_rate = config.learning_rate_decay
                                ? linear_decay(static_cast<float>(config.learning_rate), static_cast<std::size_t>(pass),
                                               static_cast<std::size_t>(config.passes))
                                : static_cast<float>(config.learning_rate);
    const std::size_t first_step =
        pass == first_pass ? static_cast<std::size_t>(done - static_cast<long long>(per_pass) * pass) : 0;
    if (batch > 1) shuffled_order(order, config.seed, pass);
    const auto pass_start = std::chrono::steady_clock::now();
    for (std::size_t i = first_step; i < per_pass && done < total_steps; ++i) {
      float loss;
      if (batch == 1) {  // the per-example step, in data order
        const auto image = example_image(train_split, i);
        load_example<Model>(*graph, 0, image, train_split.labels[i]);
        if (config.augment) random_shift<typename Model::image_shape>(image, graph->template input<"x">().span(), noise);
        graph->forward();
        loss = graph->loss();
        if (std::isfinite(loss)) graph->backward();
      } else {
        const std::size_t begin = i * batch, end = std::min(begin + batch, order.size());
        loss = parallel->run(params, train_split, std::span<const std::size_t>(order).subspan(begin, end - begin),
                             config.augment, noise);
      }
      if (!std::isfinite(loss)) {
        const std::string bad = first_non_finite_parameter(params);
        throw Diverged("training diverged at pass " + std::to_string(pass + 1) + ", step " + std::to_string(i + 1) +
                       ": the loss is " + std::to_string(loss) +
                       (bad.empty() ? std::string() : ", parameter " + bad + " holds a NaN or infinity") +
                       " (try a smaller --lr)");
      }
      const float rate = config.one_cycle ? one_cycle(static_cast<float>(config.learning_rate),
                                                      static_cast<std::size_t>(done),
                                                      static_cast<std::size_t>(total_steps), config.warmup)
                                          : pass_rate;
      if (adam)
        adamw->template step<K>(params, rate);
      else
        sgd_step<K>(params, rate);
      ++done;
      progress.update(pass + 1, config.passes, i + 1, per_pass, done);
      if (config.checkpoint_every > 0 && folder.active() && done % config.checkpoint_every == 0) checkpoint();
      if (done == pause_step) pause_until_signal(done);
      if (interrupt_requested.load(std::memory_order_relaxed)) {
        training_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - pass_start).count();
        checkpoint();
        progress.clear();
        throw Interrupted("interrupted at step " + std::to_string(done) + ": checkpoint saved; continue with --resume " +
                          folder.dir().string());
      }
    }
    training_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - pass_start).count();
    if (const std::string bad = first_non_finite_parameter(params); !bad.empty())
      throw Diverged("training diverged in pass " + std::to_string(pass + 1) + ": parameter " + bad +
                     " holds a NaN or infinity (try a smaller --lr)");
    evaluate_both(pass + 1);
    if (config.target_test_error > 0 && results.back().test.error_percent() <= config.target_test_error) {
      std::printf("target: test error %.2f%% <= %.2f%% after pass %d, %.3f s of training (evaluation excluded)\n",
                  results.back().test.error_percent(), config.target_test_error, pass + 1, training_seconds);
      break;
    }
  }
  if (total_steps == 0) evaluate_both(0);
  progress.clear();
  std::printf("done: %lld steps in %.2f s (%.2f s training, evaluation excluded)\n", done, progress.seconds(),
              training_seconds);
  return results;
}

// Where a run reads and writes besides its data: the run folder (`out`,
// refused if it holds a run unless `overwrite`), a copy of the final weights
// (`save`), and the run folder to continue (`resume`). Empty: none.
struct RunPaths {
  std::filesystem::path out, save, resume;
  bool overwrite = false;
};

// A whole run: parameters from --init (safetensors) or `initialize`, the
// run folder if `paths.out` is set, training, then the final weights to the
// run folder and to `paths.save`. Returns the per-pass evaluations.
// With `paths.resume` set, parameters, optimizer state, generator and
// position come from its checkpoint.safetensors instead, and that run folder
// is continued.
template <class Model, class K, class Initialize>
std::vector<PassResult> run_training(const TrainConfig& config, const Split& train_split, const Split& test_split,
                                     const RunPaths& paths, Initialize&& initialize) {
  const auto& [out, save, resume, overwrite] = paths;
  if (config.checkpoint_every > 0 && out.empty() && resume.empty())
    throw UsageError("--checkpoint-every: checkpoints go into the run folder, so it needs --out DIR");
  if (resume.empty() && !out.empty()) RunFolder::claim(out, overwrite);
  // Parameters and state are allocated once, before training: a step touches no heap.
  using Params = typename Model::params_type;
  auto params = std::make_unique<Params>();
  TrainingState<Params> state;
  state.noise.seed(config.seed ^ 0x9e3779b9u);
  RunFolder folder;
  if (!resume.empty()) {
    load_checkpoint(resume / "checkpoint.safetensors", *params, state);
    folder = RunFolder::reopen(resume, pass_of_step(state.done, steps_per_pass(train_split.count(), config.batch)));
  } else if (!config.init.empty()) {
    try {
      io::load_parameters(config.init, *params);
    } catch (const io::Error& error) {
      throw UsageError(std::string("--init: ") + error.what());
    }
    std::printf("init: weights from %s\n", config.init.c_str());
  } else {
    initialize(*params);
  }
  if (resume.empty() && !out.empty()) folder = RunFolder(out, to_json(config).dump(2) + "\n");
  std::signal(SIGINT, request_interrupt);
  auto results = train<Model, K>(config, train_split, test_split, *params, folder, state);
  std::signal(SIGINT, SIG_DFL);
  if (folder.active()) {
    io::save_parameters(folder.weights_path(), *params);
    std::printf("run folder: %s\n", folder.dir().c_str());
  }
  if (!save.empty()) {
    io::save_parameters(save, *params);
    std::printf("saved: %s\n", save.c_str());
  }
  return results;
}

}  // namespace ctgrad::training
