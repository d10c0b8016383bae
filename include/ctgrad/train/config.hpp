#pragma once
// Everything that defines a training run, described once.
//
// `train_options` is the one table of the options: for each, its member of
// TrainConfig, its key in config.json, its command-line flag, its help, the
// values it allows, and whether `--resume` may change it. config.json is
// written and read by walking the table (here), every program's `train`
// flags are made from it (train/cli.hpp), and so is what `--resume` refuses.
// A new option is one line in the table plus its use in the trainer.
//
// The table is a std::tuple of Option<T> rather than Hana reflection of the
// struct: each option carries more than a name (flag, help, range), which a
// reflected member would have to get from a second list anyway.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "ctgrad/detail/separate_compilation.hpp"
#include "ctgrad/io/error.hpp"
#include "ctgrad/train/splits.hpp"

namespace ctgrad::train {

struct TrainConfig {
  std::string recipe = "1989";   // the program's name for this set of values
  std::string variant = "1989";  // the program's architecture
  int passes = 23;
  double learning_rate = 0.03;
  std::string optimizer = "sgd";
  bool learning_rate_decay = false;
  bool augment = false;
  int shift = 1;  // --augment: the largest random shift, in pixels
  double dropout = 0;
  double output_bias = -1;
  std::uint32_t seed = 1;
  long long steps = -1;  // total steps before stopping; -1: all passes; 0: evaluate only
  unsigned threads = 1;
  std::string kernels = "auto";      // the kernel set asked for (kernels::kernel_set's names)
  std::string kernels_ran{};         // the set that ran, written by the trainer
  std::string data = "data";
  std::string init{};              // weights to start from (safetensors), or empty
  long long checkpoint_every = -1;  // steps between checkpoints in the run folder; -1: each pass's end; 0: none
  std::size_t batch = 1;           // examples per step; 1: the paper's per-example training, in data order
  bool one_cycle = false;          // one-cycle schedule peaking at the learning rate (replaces lr_decay)
  double warmup = 0.1;             // the one-cycle warm-up, as a fraction of the steps
  double target_test_error = 0;    // stop after the first pass whose test error (%) is at most this; 0: never
  double weight_decay = 0.01;      // AdamW's decoupled weight decay (PyTorch's default)
  // --optimizer sdlm (optim/sdlm.hpp): the damping, the examples of each
  // pass's curvature estimate, and how eta (--lr) moves over the passes.
  double mu = 0.02;
  std::size_t curvature_examples = 500;
  std::string eta_schedule = "1998";
  // Distillation (train/distill.hpp): the teacher's weights, its share of
  // each training target, and its softmax temperature (0: its predicted
  // class, DeiT's hard distillation).
  std::string teacher{};
  std::string teacher_digest{};  // the teacher file's io::file_digest when the run started; --resume checks it
  double distill_weight = 0.5;
  double distill_temperature = 0;
};

// What `--resume` does with an option: a run's own settings are `fixed`
// (its numbers depend on them); `may_change` ones (threads, the data
// folder's place) can be given again.
enum class OnResume { fixed, may_change };

template <class T>
struct Option {
  using value_type = T;
  T TrainConfig::*member;
  std::string_view key;   // in config.json
  std::string_view flag;  // on the command line; empty: set by the program (a recipe), not a flag
  std::string_view help;
  double min = -std::numeric_limits<double>::infinity();  // numbers: the allowed range, inclusive ...
  double max = std::numeric_limits<double>::infinity();
  bool above_min = false;          // ... or exclusive at min
  std::string_view choices = {};   // strings: the allowed values, space-separated; empty: any
  OnResume on_resume = OnResume::fixed;
  bool in_old_runs = true;  // false: added later; a config.json without it takes TrainConfig's default
  bool existing_file = false;  // strings: a path that must name a file
};

inline constexpr double max_steps = 1e15;
inline constexpr auto train_options = std::tuple{
    Option<std::string>{&TrainConfig::recipe, "recipe", "", "the program's recipe"},
    Option<std::string>{&TrainConfig::variant, "variant", "", "the program's architecture"},
    Option<int>{&TrainConfig::passes, "passes", "--passes", "Passes over the training set", 1, 1e6},
    Option<double>{&TrainConfig::learning_rate, "lr", "--lr", "Learning rate (the peak with --one-cycle)", 0, 1e3, true},
    Option<std::string>{&TrainConfig::optimizer, "optimizer", "--optimizer", "Optimizer (sdlm: the paper's diagonal Newton)", 0, 0, false,
                        "sgd adamw sdlm"},
    Option<bool>{&TrainConfig::learning_rate_decay, "lr_decay", "--lr-decay",
                 "Decay the learning rate linearly to lr/3 over the passes"},
    Option<bool>{&TrainConfig::augment, "augment", "--augment",
                 "Random shifts of the training images (by up to --shift pixels)"},
    Option<int>{&TrainConfig::shift, "shift", "--shift",
                "--augment: the largest random shift in pixels, each axis uniform on -shift..shift", 1, 8, false, {},
                OnResume::fixed, false},
    Option<double>{&TrainConfig::dropout, "dropout", "--dropout", "Dropout probability (where the model has dropout)",
                   0, 0.95},
    Option<double>{&TrainConfig::output_bias, "output_bias", "", "initial output biases", -1e3, 1e3},
    Option<std::uint32_t>{&TrainConfig::seed, "seed", "--seed", "Seed of the initialisation, dropout, shifts, order",
                          0, 4294967295.0},
    Option<long long>{&TrainConfig::steps, "steps", "--steps",
                      "Stop after this many steps in total (0: evaluate only; -1: all passes)", -1, max_steps},
    Option<unsigned>{&TrainConfig::threads, "threads", "--threads",
                     "Threads for minibatch steps and evaluation (the results do not depend on it)", 1, 1024, false,
                     {}, OnResume::may_change},
    Option<std::string>{&TrainConfig::kernels, "kernels", "--kernels",
                        "Kernel set: auto (the widest this CPU runs; simd is the same), scalar (the reference), or an "
                        "instruction set's",
                        0, 0, false, "auto simd scalar sse2 avx2 avx512"},
    Option<std::string>{&TrainConfig::kernels_ran, "kernels_ran", "", "the kernel set that ran", 0, 0, false, {},
                        OnResume::may_change, false},
    Option<std::string>{&TrainConfig::data, "data", "--data", "Folder with {train,test}_{images,labels}.npy", 0, 0,
                        false, {}, OnResume::may_change},
    Option<std::string>{&TrainConfig::init, "init", "--init",
                        "Start from these weights (safetensors) instead of a random init", 0, 0, false, {},
                        OnResume::fixed, true, true},
    Option<long long>{&TrainConfig::checkpoint_every, "checkpoint_every", "--checkpoint-every",
                      "Write a resumable checkpoint into the run folder every N steps (-1, the default: at the end "
                      "of every pass; 0: never)",
                      -1, max_steps, false, {}, OnResume::fixed, false},
    Option<std::size_t>{&TrainConfig::batch, "batch", "--batch",
                        "Examples per step (1: per-example steps in data order, else shuffled minibatches whose loss "
                        "is the mean over the batch)",
                        1, 4096, false, {}, OnResume::fixed, false},
    Option<bool>{&TrainConfig::one_cycle, "one_cycle", "--one-cycle",
                 "One-cycle schedule peaking at --lr, per step (replaces --lr-decay)", 0, 0, false, {},
                 OnResume::fixed, false},
    Option<double>{&TrainConfig::warmup, "warmup", "--warmup", "The one-cycle warm-up, a fraction of all steps", 0, 1,
                   false, {}, OnResume::fixed, false},
    Option<double>{&TrainConfig::target_test_error, "target_test_error", "--target-test-error",
                   "Stop after the first pass whose test error (%) is at most this, printing the training time "
                   "(0: never)",
                   0, 100, false, {}, OnResume::fixed, false},
    Option<double>{&TrainConfig::weight_decay, "weight_decay", "--weight-decay",
                   "adamw: decoupled weight decay, p -= lr * weight_decay * p each step", 0, 1, false, {},
                   OnResume::fixed, false},
    Option<double>{&TrainConfig::mu, "mu", "--mu",
                   "sdlm: damping added to each curvature, eta / (mu + h); 0.004 here is the 1998 paper's 0.02 (this "
                   "mse is a mean: h is 2/n of the paper's)",
                   0, 1e6, true, {}, OnResume::fixed, false},
    Option<std::size_t>{&TrainConfig::curvature_examples, "curvature_examples", "--curvature-examples",
                        "sdlm: training examples the curvature estimate averages over before each pass", 1, 1e7, false,
                        {}, OnResume::fixed, false},
    Option<std::string>{&TrainConfig::eta_schedule, "eta_schedule", "--eta-schedule",
                        "sdlm: eta by pass, from --lr (1998: the 1998 paper's steps, x1 x1 x0.4 x3 x0.2 x3 x0.1 x4, "
                        "then x0.02; constant: --lr throughout)",
                        0, 0, false, "1998 constant", OnResume::fixed, false},
    Option<std::string>{&TrainConfig::teacher, "teacher", "--teacher",
                        "Distil from a trained teacher: its weights (safetensors of the program's teacher model); each "
                        "training target becomes (1 - w) * label + w * teacher",
                        0, 0, false, {}, OnResume::fixed, false, true},
    Option<std::string>{&TrainConfig::teacher_digest, "teacher_digest", "", "the teacher file's digest", 0, 0, false,
                        {}, OnResume::fixed, false},
    Option<double>{&TrainConfig::distill_weight, "distill_weight", "--distill-weight",
                   "--teacher: the teacher's share w of each training target", 0, 1, false, {}, OnResume::fixed,
                   false},
    Option<double>{&TrainConfig::distill_temperature, "distill_temperature", "--distill-temperature",
                   "--teacher: softmax temperature of the teacher's scores (0: its predicted class, one-hot)", 0, 100,
                   false, {}, OnResume::fixed, false},
};

// Where a run reads and writes besides its data, not part of its settings:
// the run folder (`out`, refused if it holds a run unless `overwrite`), a
// copy of the final weights (`save`), and the run folder to continue
// (`resume`). Empty: none.
struct RunPaths {
  std::filesystem::path out, save, resume;
  bool overwrite = false;
};

template <class F>
void for_each_option(F&& f) {
  std::apply([&](const auto&... option) { (f(option), ...); }, train_options);
}

namespace config_detail {

inline std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

// What an option allows, for messages: "a whole number from 1 to 4096".
template <class T>
std::string allowed(const Option<T>& option) {
  if constexpr (std::is_same_v<T, bool>) {
    return "true or false";
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (option.choices.empty()) return "a string";
    std::string text = "one of ";
    for (const char c : option.choices) text += c == ' ' ? std::string(", ") : std::string(1, c);
    return text;
  } else {
    const std::string kind = std::is_integral_v<T> ? "a whole number" : "a number";
    if (std::isinf(option.max)) return kind + (option.above_min ? " above " : " of at least ") + number_text(option.min);
    return kind + (option.above_min ? " above " + number_text(option.min) + " up to " : " from " + number_text(option.min) + " to ") +
           number_text(option.max);
  }
}

}  // namespace config_detail

// Empty if `value` is allowed for `option`, else what was expected.
template <class T>
std::optional<std::string> check_option(const Option<T>& option, const T& value) {
  bool ok = true;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!option.choices.empty()) {
      ok = false;
      std::string_view rest = option.choices;
      while (!rest.empty()) {
        const std::size_t space = rest.find(' ');
        ok = ok || rest.substr(0, space) == value;
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
      }
    }
  } else if constexpr (!std::is_same_v<T, bool>) {
    const auto number = static_cast<double>(value);
    ok = (option.above_min ? number > option.min : number >= option.min) && number <= option.max;
  }
  if (ok) return std::nullopt;
  return config_detail::allowed(option);
}

// config.json's text for `config`: every option under its key, indented by
// two spaces, ending in a newline.
CTGRAD_DECL std::string config_json(const TrainConfig& config);

// A run folder's config.json back into a TrainConfig (for --resume and
// reports): every option checked as on the command line.
CTGRAD_DECL TrainConfig config_from_json(const std::filesystem::path& file);
// The same from config.json's text; errors name `file` as its source.
CTGRAD_DECL TrainConfig config_from_json_text(const std::string& text, const std::filesystem::path& file);

}  // namespace ctgrad::train

#if !defined(CTGRAD_SEPARATE_COMPILATION)
#include "ctgrad/train/impl/config.ipp"
#endif
