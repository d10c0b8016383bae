// End to end on the real data (prepared by the README's test command): the
// lenet1 program trains, evaluates, saves and reloads weights.
#include <filesystem>
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>

#include "lenet1/train.hpp"
#include "tests/support/run_program.hpp"

using ctgrad::testing::run_program;

namespace {

const std::string lenet1_exe = CTGRAD_LENET1_EXE;
const std::string data_dir = CTGRAD_DATA_DIR;

std::vector<std::string> eval_lines(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream stream(output);
  for (std::string line; std::getline(stream, line);)
    if (line.rfind("eval: ", 0) == 0) lines.push_back(line);
  return lines;
}

double error_percent(const std::string& eval_line) {
  std::smatch match;
  REQUIRE(std::regex_search(eval_line, match, std::regex(R"(error ([0-9.]+)%)")));
  return std::stod(match[1]);
}

std::filesystem::path scratch_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("ctgrad_e2e_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("one pass of lenet1 train reaches test error below 15%, and saved weights reload exactly", "[e2e]") {
  REQUIRE(std::filesystem::exists(data_dir + "/train_images.npy"));
  const auto dir = scratch_dir();
  const auto weights = (dir / "pass1.safetensors").string();

  const auto trained = run_program(lenet1_exe + " train --passes 1 --data " + data_dir + " --save " + weights);
  INFO(trained.output);
  REQUIRE(trained.status == 0);
  REQUIRE(trained.output.find("parameters 9,760, connections 64,660, units 1,256") != std::string::npos);
  const auto lines = eval_lines(trained.output);
  REQUIRE(lines.size() == 2);
  const std::regex format(R"(eval: split (train|test ). loss [0-9]\.[0-9]{6}e[-+][0-9]{2}. error [0-9]+\.[0-9]{2}%. misses: [0-9]+)");
  for (const auto& line : lines) REQUIRE(std::regex_match(line, format));
  REQUIRE(lines[1].rfind("eval: split test .", 0) == 0);
  REQUIRE(error_percent(lines[1]) < 15.0);

  // --init with the saved weights and no training gives the same evaluation.
  const auto reloaded = run_program(lenet1_exe + " train --steps 0 --data " + data_dir + " --init " + weights);
  INFO(reloaded.output);
  REQUIRE(reloaded.status == 0);
  REQUIRE(eval_lines(reloaded.output) == lines);
  std::filesystem::remove_all(dir);
}

TEST_CASE("--steps stops training after that many SGD steps and still saves", "[e2e]") {
  const auto dir = scratch_dir();
  const auto weights = (dir / "steps.safetensors").string();
  const auto run = run_program(lenet1_exe + " train --steps 500 --data " + data_dir + " --save " + weights);
  INFO(run.output);
  REQUIRE(run.status == 0);
  REQUIRE(run.output.find("done: 500 steps") != std::string::npos);
  REQUIRE(eval_lines(run.output).size() == 2);
  REQUIRE(std::filesystem::exists(weights));
  std::filesystem::remove_all(dir);
}

TEST_CASE("evaluation does not depend on the thread count", "[e2e]") {
  auto params = std::make_unique<lenet1::Params>();
  lenet1::initialize(*params, 3);
  const lenet1::Split test = lenet1::load_split(data_dir, "test");
  const auto one = lenet1::evaluate<ctgrad::kernels::Simd>(*params, test, 1);
  for (unsigned threads : {2u, 3u, 7u}) {
    const auto many = lenet1::evaluate<ctgrad::kernels::Simd>(*params, test, threads);
    REQUIRE(many.loss == one.loss);  // bitwise: per-example losses are summed in example order
    REQUIRE(many.misses == one.misses);
  }
  REQUIRE(one.count == 2007);
}

TEST_CASE("bad flags are refused with a one-line error and exit status 2", "[e2e]") {
  for (const std::string flags : {"train --passes 0", "train --lr -1", "train --bogus", "train --kernels avx"}) {
    const auto run = run_program(lenet1_exe + " " + flags + " --data " + data_dir);
    INFO(flags << " -> " << run.output);
    REQUIRE(run.status == 2);
    REQUIRE(std::count(run.output.begin(), run.output.end(), '\n') == 1);
  }
}

TEST_CASE("a missing data folder is reported by name", "[e2e]") {
  const auto run = run_program(lenet1_exe + " train --data /nonexistent/ctgrad-data");
  REQUIRE(run.status != 0);
  REQUIRE(run.output.find("/nonexistent/ctgrad-data") != std::string::npos);
  REQUIRE(run.output.find("lenet1 prepare") != std::string::npos);
}
