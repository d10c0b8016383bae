#pragma once
// A program's `train` flags, made from the option table (train/config.hpp):
// every option with a flag becomes a CLI11 option (on/off settings a
// --name/--no-name pair), checked against the values the table allows, and
// the run's paths (--out, --overwrite, --save, --resume) come with them.
// Flags override the program's values (a recipe's) only when given; with
// --resume, only the options that may change are accepted.
//
// Below it, what every program's main shares: its recipes (named
// TrainConfigs) looked up by --recipe, the parse, and the exit statuses.
#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include <CLI/CLI.hpp>

#include "ctgrad/train/config.hpp"
#include "ctgrad/train/errors.hpp"
#include "ctgrad/train/export_request.hpp"
#include "ctgrad/train/processes.hpp"

namespace ctgrad::train {

namespace cli_detail {
template <class... T>
std::tuple<T...> values_of(const std::tuple<Option<T>...>&);
inline std::string shown(bool value) { return value ? "on" : "off"; }
inline std::string shown(const std::string& value) { return value.empty() ? "none" : value; }
template <class T>
std::string shown(const T& value) {
  return config_detail::number_text(static_cast<double>(value));
}
}  // namespace cli_detail

class TrainFlags {
 public:
  // Adds the flags to `command`, showing `defaults` in --help. `only`, if not
  // empty, limits them to these flags (without the run paths), e.g. for a
  // command that trains several recipes.
  TrainFlags(CLI::App& command, const TrainConfig& defaults, std::initializer_list<std::string_view> only = {})
      : command_(command) {
    values_ = std::apply([&](const auto&... option) { return Values{defaults.*option.member...}; }, train_options);
    const auto wanted = [&](std::string_view flag) {
      return !flag.empty() && (only.size() == 0 || std::find(only.begin(), only.end(), flag) != only.end());
    };
    std::size_t index = 0;
    for_each_option_value([&](const auto& option, auto& value) {
      using T = std::remove_cvref_t<decltype(value)>;
      CLI::Option*& bound = options_[index++];
      if (!wanted(option.flag)) return;
      const std::string flag(option.flag);
      std::string help = std::string(option.help);
      if constexpr (std::is_same_v<T, std::string>)
        if (!option.choices.empty()) help += ": " + config_detail::allowed(option);
      help += " [default: " + cli_detail::shown(value) + "]";
      if constexpr (std::is_same_v<T, bool>) {
        bound = command.add_flag(flag + ",!--no-" + flag.substr(2), value, help);
      } else {
        bound = command.add_option(flag, value, help);
        if constexpr (std::is_same_v<T, std::string>)
          if (option.existing_file) bound->check(CLI::ExistingFile);
      }
    });
    if (only.size() == 0) {
      out_ = command.add_option("--out", paths_.out, "Run folder: metrics.csv, config.json, weights.safetensors");
      overwrite_ = command.add_flag("--overwrite", paths_.overwrite, "Let --out replace a run already in its folder");
      command.add_option("--save", paths_.save, "Write the final weights here (safetensors)");
      resume_ = command.add_option("--resume", paths_.resume,
                                   "Continue the run in this folder from its checkpoint (after a crash, a kill or "
                                   "Ctrl-C) with its own settings");
      resume_->excludes(out_)->excludes(overwrite_);
      // Several processes (docs/scaling.md): how, or how to get MPI.
      command.footer("Several processes: " + Processes::support() + ".");
      index = 0;
      for_each_option([&](const auto& option) {
        CLI::Option* bound = options_[index++];
        if (bound && option.on_resume == OnResume::fixed) resume_->excludes(bound);
      });
    }
  }
  TrainFlags(const TrainFlags&) = delete;  // CLI11 holds pointers into this object
  TrainFlags& operator=(const TrainFlags&) = delete;

  // Whether the flag was on the command line.
  bool given(std::string_view flag) const {
    const CLI::Option* option = command_.get_option_no_throw(std::string(flag));
    return option && option->count() > 0;
  }

  // `base` (the program's or a recipe's values) with every flag given on the
  // command line written over it. With --resume: the run's own
  // configuration from its folder instead, with only the flags that may
  // change over it; `variants` are the calling program's own, so a run of
  // another program is refused.
  TrainConfig config(TrainConfig base, std::initializer_list<std::string_view> variants = {},
                     std::string_view program = {}) const {
    return config(std::move(base), std::span<const std::string_view>(variants.begin(), variants.size()), program);
  }
  // The same with a program's variant names (train/variants.hpp: Variants::names).
  template <std::size_t N>
  TrainConfig config(TrainConfig base, const std::array<std::string_view, N>& variants,
                     std::string_view program) const {
    return config(std::move(base), std::span<const std::string_view>(variants), program);
  }
  TrainConfig config(TrainConfig base, std::span<const std::string_view> variants, std::string_view program) const {
    const bool resuming = resume_ && resume_->count() > 0;
    if (resuming) base = resumed_config(variants, program);
    std::size_t index = 0;
    for_each_option_value([&](const auto& option, const auto& value) {
      const CLI::Option* bound = options_[index++];
      if (!bound || bound->count() == 0 || (resuming && option.on_resume == OnResume::fixed)) return;
      if (const auto expected = check_option(option, value))
        throw UsageError(std::string(option.flag) + ": expected " + *expected + ", found " + cli_detail::shown(value));
      base.*option.member = value;
    });
    return base;
  }

  const RunPaths& paths() const { return paths_; }

 private:
  using Values = decltype(cli_detail::values_of(train_options));
  static constexpr std::size_t option_count = std::tuple_size_v<Values>;

  template <class F>
  void for_each_option_value(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::get<I>(train_options), std::get<I>(values_)), ...);
    }(std::make_index_sequence<option_count>{});
  }
  template <class F>
  void for_each_option_value(F&& f) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::get<I>(train_options), std::get<I>(values_)), ...);
    }(std::make_index_sequence<option_count>{});
  }

  TrainConfig resumed_config(std::span<const std::string_view> variants, std::string_view program) const {
    const std::filesystem::path& dir = paths_.resume;
    if (!std::filesystem::is_regular_file(dir / "checkpoint.safetensors"))
      throw UsageError("--resume: expected a run folder holding checkpoint.safetensors (written by "
                       "--checkpoint-every or Ctrl-C), found none in " + dir.string());
    TrainConfig config = config_from_json(dir / "config.json");
    if (variants.size() > 0 && std::find(variants.begin(), variants.end(), config.variant) == variants.end())
      throw UsageError("--resume: " + dir.string() + " holds a run of variant '" + config.variant + "', not a " +
                       std::string(program) + " one");
    return config;
  }

  CLI::App& command_;
  Values values_;
  std::array<CLI::Option*, option_count> options_{};
  RunPaths paths_;
  CLI::Option* out_ = nullptr;
  CLI::Option* overwrite_ = nullptr;
  CLI::Option* resume_ = nullptr;
};

// A program's recipes: any structs with a `name`, e.g. {name, what it
// changes, config}. Their names, for --recipe's help and its error.
template <class Recipe, std::size_t N>
std::string recipe_names(const std::array<Recipe, N>& recipes) {
  std::string names;
  for (const Recipe& recipe : recipes) names += (names.empty() ? "" : ", ") + std::string(recipe.name);
  return names;
}
// The recipe named `name`, or a UsageError of --recipe listing them all.
template <class Recipe, std::size_t N>
const Recipe& recipe_named(const std::array<Recipe, N>& recipes, std::string_view name) {
  for (const Recipe& recipe : recipes)
    if (recipe.name == name) return recipe;
  throw UsageError("--recipe: expected one of " + recipe_names(recipes) + ", found '" + std::string(name) + "'");
}

// A program's `train` subcommand over its recipes (structs with a `name`
// and a TrainConfig `config`): --recipe, the first recipe by default, then
// every TrainFlags flag, shown with `defaults` (the first recipe's values
// with the program's own over them); --resume excludes --recipe.
class RecipeTrainCommand {
 public:
  template <class Recipe, std::size_t N>
  RecipeTrainCommand(CLI::App& app, const std::string& description, const std::array<Recipe, N>& recipes,
                     const TrainConfig& defaults)
      : command_(*app.add_subcommand("train", description)),
        recipe_(recipes.front().name),
        recipe_option_(command_.add_option("--recipe", recipe_, "Recipe: " + recipe_names(recipes))),
        flags_(command_, defaults) {
    recipe_option_->capture_default_str();
    command_.footer("Flags override the recipe's values; the defaults shown are --recipe " + recipe_ + "'s.\n" +
                    command_.get_footer());
    command_.get_option("--resume")->excludes(recipe_option_);
  }
  RecipeTrainCommand(const RecipeTrainCommand&) = delete;  // CLI11 holds pointers into this object
  RecipeTrainCommand& operator=(const RecipeTrainCommand&) = delete;

  const std::string& recipe() const { return recipe_; }
  const TrainFlags& flags() const { return flags_; }

 private:
  CLI::App& command_;
  std::string recipe_;
  CLI::Option* recipe_option_;
  TrainFlags flags_;
};

// A program's `export` subcommand (train/export.hpp): its flags into `request`.
inline CLI::App* add_export_command(CLI::App& app, ExportRequest& request, const std::string& program,
                                    const std::string& recipes) {
  auto* command = app.add_subcommand(
      "export", "Write trained weights as an ONNX model (docs/deploying.md), for ONNX Runtime and others");
  command->add_option("--weights", request.weights, "Trained weights (safetensors), e.g. RUN_DIR/weights.safetensors")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--out", request.out, "The .onnx file to write")->required();
  command->add_option("--recipe", request.recipe,
                      "The recipe the weights were trained with (" + recipes +
                          "); default: the one in config.json beside --weights (a run folder of '" + program +
                          " train --out')");
  auto* data = command->add_option("--data", request.data,
                                   "Data folder: also write ctgrad's outputs on its test split (--scores)");
  command->add_option("--scores", request.scores, "The .npy file of ctgrad's test-split outputs [examples, classes]")
      ->needs(data);
  data->needs(command->get_option("--scores"));
  return command;
}

// What a program's `report` command is asked: a run folder, and the data
// folder if not the one the run used.
struct ReportRequest {
  std::filesystem::path run_dir;
  std::filesystem::path data;
};

// A program's `report` subcommand (report/run_report.hpp draws it): its
// flags into `request`; `pictures` names the model's own pictures.
inline CLI::App* add_report_command(CLI::App& app, ReportRequest& request, const std::string& program,
                                    const std::string& pictures) {
  auto* command =
      app.add_subcommand("report", "Draw a run folder's learning curves, test mistakes and " + pictures + " (PNG)");
  command->add_option("RUN_DIR", request.run_dir, "A run folder written by '" + program + " train --out'")->required();
  command->add_option("--data", request.data, "Data folder (default: the one the run used)");
  return command;
}

// CLI11's parse of a program's command line: --help printed (status 0), a
// wrong flag printed as one line "program: message" (status 2); nothing
// when the command line is good.
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, std::string_view program) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(), error.what());
    return 2;
  }
  return std::nullopt;
}

// Runs `command` and returns the program's exit status: 0, or what it
// threw, printed as one line "program: message": a wrong flag or folder
// (UsageError) 2, Ctrl-C (Interrupted, its checkpoint saved) 130, anything
// else (a file that is not what it should be, io::Error; divergence) 1.
// Under mpirun, a rank other than 0 names itself in the line, and the end
// goes through Processes::finish (an error that may leave other ranks
// waiting ends the whole job).
template <class Command>
int run_command(std::string_view program, Command&& command) {
  const auto report = [&](const std::exception& error, int status) {
    const Processes* processes = Processes::existing();
    if (processes != nullptr && processes->rank() > 0 && status == 130) return status;  // rank 0 says where it saved
    if (processes != nullptr && processes->rank() > 0)
      std::fprintf(stderr, "%.*s (rank %d): %s\n", static_cast<int>(program.size()), program.data(), processes->rank(),
                   error.what());
    else
      std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(), error.what());
    return status;
  };
  int status = 0;
  try {
    command();
  } catch (const UsageError& error) {
    status = report(error, 2);
  } catch (const Interrupted& error) {
    status = report(error, 130);
  } catch (const std::exception& error) {
    status = report(error, 1);
  }
  if (Processes* processes = Processes::existing()) processes->finish(status);
  return status;
}

// A program's main after its commands and flags are declared on `app`:
// parse_command_line, then run_command. Returns the exit status.
template <class Command>
int run_program(CLI::App& app, int argc, char** argv, std::string_view program, Command&& command) {
  if (const auto status = parse_command_line(app, argc, argv, program)) return *status;
  return run_command(program, std::forward<Command>(command));
}

}  // namespace ctgrad::train
