#pragma once
// The training loop every program shares, for any TrainableModel
// (train/model.hpp) and any data of its shape: per-example steps or
// minibatches on all cores (train/data_parallel.hpp), SGD or AdamW with a
// decay or one-cycle schedule, shifts and dropout, evaluation of both splits
// after every pass in the reference's format (train/evaluate.hpp), a
// progress line (train/progress.hpp), a run folder with checkpoints and
// --resume (train/checkpoint.hpp), and stops on divergence and Ctrl-C
// (train/interrupt.hpp). Its settings are a TrainConfig (train/config.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctgrad/core/random.hpp"
#include "ctgrad/data/augment.hpp"
#include "ctgrad/graph/compile.hpp"
#include "ctgrad/graph/summary.hpp"
#include "ctgrad/kernels/kernels.hpp"
#include "ctgrad/nn/parameters.hpp"
#include "ctgrad/nn/weights.hpp"
#include "ctgrad/ops/dropout.hpp"
#include "ctgrad/optim/adamw.hpp"
#include "ctgrad/optim/schedule.hpp"
#include "ctgrad/optim/sdlm.hpp"
#include "ctgrad/optim/sgd.hpp"
#include "ctgrad/train/checkpoint.hpp"
#include "ctgrad/train/curvature_estimate.hpp"
#include "ctgrad/train/config.hpp"
#include "ctgrad/train/data_parallel.hpp"
#include "ctgrad/train/distill.hpp"
#include "ctgrad/train/evaluate.hpp"
#include "ctgrad/train/interrupt.hpp"
#include "ctgrad/train/model.hpp"
#include "ctgrad/train/processes.hpp"
#include "ctgrad/train/progress.hpp"
#include "ctgrad/train/run_folder.hpp"

namespace ctgrad::train {

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

// Trains `params` as `config` says, printing the summary, the pass lines and
// the eval lines; returns the evaluations. The Model fixes the architecture
// (a compile-time choice); optimizer, schedule, augmentation and dropout rate
// are run-time. `targets`, if not empty, are the training examples' target
// distributions to fit instead of their labels (a teacher's: train/distill.hpp).
template <TrainableModel Model, class K>
std::vector<PassResult> train_passes(const TrainConfig& config, const Split& train_split, const Split& test_split,
                                     typename Model::params_type& params, RunFolder& folder,
                                     TrainingState<typename Model::params_type>& state,
                                     std::span<const float> targets = {}) {
  check_model<Model>();
  const Processes& processes = Processes::world();
  std::mt19937& noise = state.noise;
  DropoutControl dropout_control{&noise, true};
  const auto dropout_probability = static_cast<float>(config.dropout);
  auto expression = Model::loss(params, dropout_control, dropout_probability);
  using G = Graph<decltype(expression), K>;
  auto graph = std::make_unique<G>(expression);
  auto& adamw = state.adamw;
  adamw->weight_decay = config.weight_decay;
  const bool sdlm = config.optimizer == "sdlm";  // its curvature pass runs on the same graph
  auto curvature = curvature_pass_if(sdlm, *graph);
  print_summary<G>(std::cout);
  std::printf("data: %zu train, %zu test examples; recipe %s; kernels: %s (%s, %zu floats a vector); batch %zu; "
              "threads: %u\n",
              train_split.count(), test_split.count(), config.recipe.c_str(), K::set(), K::arch(), K::width(),
              config.batch, config.threads);
  if (processes.distributed()) std::printf("processes: %d (mpirun), each with those threads\n", processes.size());
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
    if (!processes.writer()) return;  // rank 0 writes the run folder
    if (!folder.active()) {  // Ctrl-C without --out: a new folder, never over an old one
      std::filesystem::path dir = "interrupted-run";
      for (int k = 2; std::filesystem::exists(dir); ++k) dir = "interrupted-run-" + std::to_string(k);
      folder = RunFolder(dir, config_json(config));
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
    // SDLM's estimate, held for the pass; a pass resumed midway has it from the checkpoint.
    if (sdlm && first_step == 0 && done < total_steps)
      estimate_curvature<Model>(*graph, *curvature, params, train_split, config.curvature_examples, pass);
    const float eta_factor =
        config.eta_schedule == "1998" ? sdlm_1998_eta_factor(static_cast<std::size_t>(pass)) : 1.f;
    if (batch > 1) shuffled_order(order, config.seed, pass);
    const auto pass_start = std::chrono::steady_clock::now();
    for (std::size_t i = first_step; i < per_pass && done < total_steps; ++i) {
      float loss;
      if (batch == 1) {  // the per-example step, in data order
        const auto image = example<Model>(train_split, i);
        load_example<Model>(*graph, 0, image, train_split.labels[i], target_row<Model>(targets, i));
        if (config.augment)
          data::random_shift<typename Model::image_shape>(image, graph->template input<"x">().span(), noise, config.shift);
        graph->forward();
        loss = graph->loss();
        if (std::isfinite(loss)) graph->backward();
      } else {
        const std::size_t begin = i * batch, end = std::min(begin + batch, order.size());
        loss = parallel->run(params, train_split, std::span<const std::size_t>(order).subspan(begin, end - begin),
                             config.augment ? config.shift : 0, noise, targets);
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
      else if (sdlm)
        sdlm_step<K>(params, rate * eta_factor, static_cast<float>(config.mu));
      else
        sgd_step<K>(params, rate);
      ++done;
      progress.update(pass + 1, config.passes, i + 1, per_pass, done);
      // Nothing lost by default: a run folder keeps the end of every pass.
      const bool pass_end = i + 1 == per_pass;
      if (folder.active() && (config.checkpoint_every > 0 ? done % config.checkpoint_every == 0
                                                          : config.checkpoint_every < 0 && pass_end))
        checkpoint();
      if (done == pause_step) pause_until_signal(done);
      // The processes stop together, at the step where any saw Ctrl-C.
      if (processes.any(interrupt_requested.load(std::memory_order_relaxed))) {
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

// A whole run: parameters from --init (safetensors) or `initialize`, the
// run folder if `paths.out` is set, training, then the final weights to the
// run folder and to `paths.save`. Returns the per-pass evaluations.
// With `paths.resume` set, parameters, optimizer state, generator and
// position come from its checkpoint.safetensors instead, and that run folder
// is continued. With config.teacher set, training fits the targets of that
// Teacher model's weights (train/distill.hpp); a program that offers no
// teacher leaves Teacher = NoTeacher.
template <TrainableModel Model, class K, class Teacher = NoTeacher, class Initialize>
std::vector<PassResult> run_training(const TrainConfig& given_config, const Split& train_split,
                                     const Split& test_split, const RunPaths& paths, Initialize&& initialize) {
  // Under mpirun every rank trains with rank 0's configuration; the others
  // print nothing and write no files.
  const Processes& processes = Processes::world();
  if (processes.distributed() && given_config.batch == 1)
    throw UsageError("--batch 1 trains one example per step, which is one process's work: under mpirun give --batch "
                     "B > 1, and each step's B examples are split over the processes");
  TrainConfig config = given_config;
  if (processes.distributed()) {
    std::string text = config_json(given_config);
    processes.broadcast(text);
    config = config_from_json_text(text, "rank 0's configuration");
    if (!processes.writer() && std::freopen("/dev/null", "w", stdout) == nullptr)
      throw std::runtime_error("rank " + std::to_string(processes.rank()) + ": cannot silence stdout (/dev/null)");
  }
  // The kernel set kernels::Selected runs (a graph compiled for a fixed path
  // runs its own), recorded in the run folder's config.json.
  try {
    kernels::select_kernels(kernels::kernel_set(config.kernels));
  } catch (const std::invalid_argument& error) {
    throw UsageError(std::string("--kernels: ") + error.what());
  }
  config.kernels_ran = K::set();
  const bool writer = processes.writer();
  const auto& [out, save, resume, overwrite] = paths;
  if (config.checkpoint_every > 0 && out.empty() && resume.empty())
    throw UsageError("--checkpoint-every: checkpoints go into the run folder, so it needs --out DIR");
  if (!config.teacher.empty()) check_teacher_digest(config, !resume.empty());
  const std::vector<float> targets =
      config.teacher.empty() ? std::vector<float>{} : teacher_targets<Model, K, Teacher>(config, train_split);
  if (writer && resume.empty() && !out.empty()) RunFolder::claim(out, overwrite);
  // Parameters and state are allocated once, before training: a step touches no heap.
  using Params = typename Model::params_type;
  auto params = std::make_unique<Params>();
  TrainingState<Params> state;
  state.noise.seed(config.seed ^ 0x9e3779b9u);
  RunFolder folder;
  if (!resume.empty()) {
    load_checkpoint(resume / "checkpoint.safetensors", *params, state);
    if (writer)
      folder = RunFolder::reopen(resume, pass_of_step(state.done, steps_per_pass(train_split.count(), config.batch)));
  } else if (!config.init.empty()) {
    try {
      load_parameters(config.init, *params);
    } catch (const io::Error& error) {
      throw UsageError(std::string("--init: ") + error.what());
    }
    std::printf("init: weights from %s\n", config.init.c_str());
  } else {
    initialize(*params);
  }
  if (writer && resume.empty() && !out.empty()) folder = RunFolder(out, config_json(config));
  std::signal(SIGINT, request_interrupt);
  auto results = train_passes<Model, K>(config, train_split, test_split, *params, folder, state, targets);
  std::signal(SIGINT, SIG_DFL);
  if (folder.active()) {
    save_parameters(folder.weights_path(), *params);
    std::printf("run folder: %s\n", folder.dir().c_str());
  }
  if (writer && !save.empty()) {
    save_parameters(save, *params);
    std::printf("saved: %s\n", save.c_str());
  }
  return results;
}

}  // namespace ctgrad::train
