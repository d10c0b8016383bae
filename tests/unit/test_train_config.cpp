// The one table of training options (ctgrad/train/config.hpp) and what is
// made from it: config.json both ways, every option's allowed values checked
// on read, and a program's flags (ctgrad/train/cli.hpp) that override only
// when given and, with --resume, only where a run's numbers do not change.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "ctgrad/train/cli.hpp"
#include "ctgrad/train/config.hpp"
#include "tests/support/temp_folder.hpp"

namespace {

using namespace ctgrad::train;
using Catch::Matchers::Contains;
using ctgrad::testing::TemporaryFolder;

TrainConfig unusual_config() {
  TrainConfig c;
  c.recipe = "r", c.variant = "v", c.passes = 7, c.learning_rate = 1.5e-4, c.optimizer = "adamw";
  c.learning_rate_decay = true, c.augment = true, c.dropout = 0.3, c.output_bias = 0.5, c.seed = 4000000000u;
  c.steps = 123456789012LL, c.threads = 3, c.kernels = "scalar", c.kernels_ran = "scalar", c.data = "d", c.init = "w.safetensors";
  c.checkpoint_every = 50, c.batch = 32, c.one_cycle = true, c.warmup = 0.25, c.target_test_error = 2.5;
  c.mu = 0.07, c.curvature_examples = 123, c.eta_schedule = "constant", c.shift = 2, c.weight_decay = 0.05;
  c.teacher = "t.safetensors", c.teacher_digest = "fnv1a64:0123456789abcdef", c.distill_weight = 0.75,
  c.distill_temperature = 3;
  return c;
}

// config.json's text (config_json) as a JSON object, to compare and edit.
nlohmann::json to_json(const TrainConfig& config) { return nlohmann::json::parse(config_json(config)); }

std::string read_error(const std::filesystem::path& file) {
  try {
    config_from_json(file);
  } catch (const ctgrad::io::Error& error) {
    return error.what();
  }
  return "(no error)";
}

// Parses `arguments` (after the program name) into a `train` command.
struct Parsed {
  CLI::App app{"test"};
  CLI::App* train = app.add_subcommand("train");
  TrainFlags flags;
  explicit Parsed(const TrainConfig& defaults, std::vector<std::string> arguments) : flags(*train, defaults) {
    arguments.insert(arguments.begin(), "train");
    std::reverse(arguments.begin(), arguments.end());  // CLI11 takes a reversed vector
    app.parse(arguments);
  }
};

}  // namespace

TEST_CASE("config.json round-trips every option of the table", "[train]") {
  TemporaryFolder folder;
  const TrainConfig written = unusual_config();
  const std::string text = config_json(written);  // what a run folder holds
  CHECK(text.starts_with("{\n  \""));
  CHECK(text.ends_with("\n}\n"));
  std::ofstream(folder.path / "config.json") << text;
  const TrainConfig read = config_from_json(folder.path / "config.json");
  std::size_t compared = 0;
  for_each_option([&](const auto& option) {
    INFO(option.key);
    CHECK(read.*option.member == written.*option.member);
    CHECK(!(read.*option.member == TrainConfig{}.*option.member));  // the round trip is not of defaults
    ++compared;
  });
  CHECK(compared == std::tuple_size_v<decltype(train_options)>);
  CHECK(to_json(read) == to_json(written));
}

TEST_CASE("config.json: each option out of its range, of the wrong type or missing is named", "[train]") {
  TemporaryFolder folder;
  const auto file = folder.path / "config.json";
  const nlohmann::json good = to_json(unusual_config());
  const auto with = [&](const std::string& key, const nlohmann::json& value) {
    nlohmann::json j = good;
    j[key] = value;
    std::ofstream(file, std::ios::trunc) << j.dump();
    return read_error(file);
  };
  CHECK(with("passes", 7) == "(no error)");
  CHECK_THAT(with("batch", 0), Contains("config.json: expected 'batch' to be a whole number from 1 to 4096, found 0"));
  CHECK_THAT(with("batch", 5000), Contains("'batch'") && Contains("found 5000"));
  CHECK_THAT(with("batch", 2.5), Contains("'batch'") && Contains("found 2.5"));
  CHECK_THAT(with("threads", -1), Contains("'threads'") && Contains("found -1"));
  CHECK_THAT(with("seed", -1), Contains("'seed'"));
  CHECK_THAT(with("lr", 0), Contains("'lr' to be a number above 0"));
  CHECK_THAT(with("warmup", 1.5), Contains("'warmup' to be a number from 0 to 1"));
  CHECK_THAT(with("optimizer", "adam"), Contains("'optimizer' to be one of sgd, adamw, sdlm, found \"adam\""));
  CHECK_THAT(with("augment", 1), Contains("'augment' to be true or false, found 1"));
  CHECK_THAT(with("data", 3), Contains("'data' to be a string"));
  {
    nlohmann::json j = good;
    j.erase("passes");
    std::ofstream(file, std::ios::trunc) << j.dump();
    CHECK_THAT(read_error(file), Contains("expected the setting 'passes', found none"));
  }
  {  // a run written before minibatches: the options added since take their defaults
    nlohmann::json j = good;
    for (const char* key : {"batch", "one_cycle", "warmup", "target_test_error", "checkpoint_every", "shift",
                            "weight_decay", "teacher_digest"})
      j.erase(key);
    std::ofstream(file, std::ios::trunc) << j.dump();
    CHECK(read_error(file) == "(no error)");
    CHECK(config_from_json(file).batch == 1);
    CHECK(config_from_json(file).shift == 1);
    CHECK(config_from_json(file).weight_decay == 0.01);
    CHECK(config_from_json(file).teacher_digest.empty());
  }
  std::ofstream(file, std::ios::trunc) << "[1, 2]";
  CHECK_THAT(read_error(file), Contains("expected a JSON object"));
  std::ofstream(file, std::ios::trunc) << "{\"passes\": ";
  CHECK_THAT(read_error(file), Contains("expected a run configuration written by --out"));
}

TEST_CASE("flags override the program's values only when given, and are checked", "[train]") {
  TrainConfig base = unusual_config();
  {
    Parsed parsed(TrainConfig{}, {});
    CHECK(to_json(parsed.flags.config(base)) == to_json(base));
  }
  {
    Parsed parsed(TrainConfig{}, {"--batch", "8", "--no-augment", "--lr", "0.5", "--optimizer", "sgd", "--out", "o"});
    const TrainConfig c = parsed.flags.config(base);
    CHECK(c.batch == 8);
    CHECK(!c.augment);
    CHECK(c.learning_rate == 0.5);
    CHECK(c.optimizer == "sgd");
    CHECK(c.passes == base.passes);
    CHECK(parsed.flags.paths().out == "o");
    CHECK(parsed.flags.given("--batch"));
    CHECK(!parsed.flags.given("--passes"));
  }
  {
    Parsed parsed(TrainConfig{}, {"--batch", "0"});
    CHECK_THROWS_WITH(parsed.flags.config(base), "--batch: expected a whole number from 1 to 4096, found 0");
  }
  {
    Parsed parsed(TrainConfig{}, {"--kernels", "gpu"});
    CHECK_THROWS_WITH(parsed.flags.config(base), "--kernels: expected one of auto, simd, scalar, sse2, avx2, avx512, found gpu");
  }
  CHECK_THROWS_AS(Parsed(TrainConfig{}, {"--resume", "r", "--batch", "8"}), CLI::ExcludesError);
  CHECK_THROWS_AS(Parsed(TrainConfig{}, {"--resume", "r", "--out", "o"}), CLI::ExcludesError);
}

TEST_CASE("--resume takes the run's own settings, and only threads and data from the flags", "[train]") {
  TemporaryFolder folder;
  const TrainConfig run = unusual_config();
  std::ofstream(folder.path / "config.json") << to_json(run).dump(2);
  {
    Parsed parsed(TrainConfig{}, {"--resume", folder.path.string()});
    CHECK_THROWS_WITH(parsed.flags.config(TrainConfig{}, {"v"}, "p"), Contains("checkpoint.safetensors"));
  }
  std::ofstream(folder.path / "checkpoint.safetensors") << "";  // only its presence is checked here
  Parsed parsed(TrainConfig{}, {"--resume", folder.path.string(), "--threads", "9", "--data", "elsewhere"});
  const TrainConfig resumed = parsed.flags.config(TrainConfig{}, {"v"}, "p");
  CHECK(resumed.threads == 9);
  CHECK(resumed.data == "elsewhere");
  CHECK(resumed.batch == run.batch);
  CHECK(resumed.learning_rate == run.learning_rate);
  CHECK_THROWS_WITH(parsed.flags.config(TrainConfig{}, {"other"}, "p"), Contains("holds a run of variant 'v', not a p one"));
}
