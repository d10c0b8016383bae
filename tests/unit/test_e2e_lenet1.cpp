// End to end on the real data (prepared by the README's test command): the
// lenet1 program trains, evaluates, saves and reloads weights.
#include <filesystem>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>
#include <sstream>

#include <catch2/catch.hpp>

#include "lenet1/prepare.hpp"
#include "lenet1/instances.hpp"
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
  const lenet1::Split test = lenet1::load_prepared(data_dir, "test");
  using Model = lenet1::Model<lenet1::Classic>;
  const auto one = lenet1::evaluate<Model, ctgrad::kernels::Selected>(*params, test, 1);
  for (unsigned threads : {2u, 3u, 7u}) {
    const auto many = lenet1::evaluate<Model, ctgrad::kernels::Selected>(*params, test, threads);
    REQUIRE(many.loss == one.loss);  // bitwise: per-example losses are summed in example order
    REQUIRE(many.misses == one.misses);
  }
  REQUIRE(one.count == 2007);
}

TEST_CASE("bad flags are refused with a one-line error and exit status 2", "[e2e]") {
  for (const std::string flags : {"train --passes 0", "train --lr -1", "train --bogus", "train --kernels avx", "train --kernels simd256"}) {
    const auto run = run_program(lenet1_exe + " " + flags + " --data " + data_dir);
    INFO(flags << " -> " << run.output);
    REQUIRE(run.status == 2);
    REQUIRE(std::count(run.output.begin(), run.output.end(), '\n') == 1);
  }
}

TEST_CASE("--kernels runs the named kernel set and the run folder records it", "[e2e]") {
  const auto dir = scratch_dir();
  std::vector<double> errors;
  for (const ctgrad::kernels::KernelTable* set : ctgrad::kernels::kernel_sets()) {
    const std::string name = set->name;
    const auto run = run_program(lenet1_exe + " train --steps 300 --threads 2 --kernels " + name + " --data " +
                                 data_dir + " --out " + (dir / name).string());
    INFO(name << " -> " << run.output);
    if (!ctgrad::kernels::runs_here(*set)) {  // a CPU without the set: one line naming it, exit 2
      REQUIRE(run.status == 2);
      REQUIRE(run.output.find("this CPU lacks") != std::string::npos);
      continue;
    }
    REQUIRE(run.status == 0);
    REQUIRE(run.output.find("kernels: " + name + " (" + set->arch + ", " + std::to_string(set->width) +
                            " floats a vector)") != std::string::npos);
    const std::string config = ctgrad::testing::file_bytes(dir / name / "config.json");
    REQUIRE(config.find("\"kernels\": \"" + name + "\"") != std::string::npos);
    REQUIRE(config.find("\"kernels_ran\": \"" + name + "\"") != std::string::npos);
    errors.push_back(error_percent(eval_lines(run.output).back()));
  }
  REQUIRE(errors.size() >= 2);
  for (const double error : errors) REQUIRE(std::abs(error - errors.front()) <= 0.5);  // the same training, rounded apart
  // auto: the widest set this CPU runs.
  const auto run = run_program(lenet1_exe + " train --steps 0 --data " + data_dir);
  INFO(run.output);
  REQUIRE(run.output.find(std::string("kernels: ") + ctgrad::kernels::best_kernels().name + " (") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a missing data folder is reported by name", "[e2e]") {
  const auto run = run_program(lenet1_exe + " train --data /nonexistent/ctgrad-data");
  REQUIRE(run.status == 2);
  REQUIRE(run.output.find("/nonexistent/ctgrad-data") != std::string::npos);
  REQUIRE(run.output.find("lenet1 prepare") != std::string::npos);
}

TEST_CASE("a recipe's settings apply unless a flag overrides them, and --out writes the run folder", "[e2e]") {
  const auto dir = scratch_dir();
  auto config_of = [&](const std::string& flags) {
    const auto out = dir / "run";
    std::filesystem::remove_all(out);
    const auto run = run_program(lenet1_exe + " train --steps 0 --data " + data_dir + " --out " + out.string() + " " + flags);
    INFO(run.output);
    REQUIRE(run.status == 0);
    REQUIRE(std::filesystem::exists(out / "weights.safetensors"));
    std::ifstream metrics(out / "metrics.csv");
    std::string header;
    std::getline(metrics, header);
    REQUIRE(header == "pass,split,loss,error,misses,seconds");
    return nlohmann::json::parse(std::ifstream(out / "config.json"));
  };
  const auto modern = config_of("--recipe modern");
  CHECK(modern["augment"] == true);
  CHECK(modern["lr_decay"] == true);
  CHECK(modern["optimizer"] == "adamw");
  CHECK(modern["dropout"] == 0.25);
  CHECK(modern["passes"] == 80);
  const auto overridden = config_of("--recipe modern --no-augment --no-lr-decay --lr 0.001 --passes 3");
  CHECK(overridden["augment"] == false);
  CHECK(overridden["lr_decay"] == false);
  CHECK(overridden["lr"] == 0.001);
  CHECK(overridden["passes"] == 3);
  const auto classic = config_of("");
  CHECK(classic["recipe"] == "1989");
  CHECK(classic["augment"] == false);
  CHECK(classic["optimizer"] == "sgd");
  std::filesystem::remove_all(dir);
}

TEST_CASE("--dropout on a recipe without a dropout layer, or an unknown recipe, is a usage error", "[e2e]") {
  for (const std::string flags : {"--recipe ce --dropout 0.5", "--recipe nonesuch"}) {
    const auto run = run_program(lenet1_exe + " train " + flags + " --data " + data_dir);
    INFO(flags << " -> " << run.output);
    REQUIRE(run.status == 2);
  }
}

TEST_CASE("lenet1 report draws a run folder's pictures", "[e2e]") {
  const auto dir = scratch_dir() / "report_run";
  const auto trained =
      run_program(lenet1_exe + " train --passes 1 --kernels sse2 --data " + data_dir + " --out " + dir.string());
  INFO(trained.output);
  REQUIRE(trained.status == 0);
  const auto report = run_program(lenet1_exe + " report " + dir.string());
  INFO(report.output);
  REQUIRE(report.status == 0);
  // Its mistakes are the run's last test misses, on the kernel set the run used.
  std::smatch misses;
  const std::string last_test = eval_lines(trained.output).back();
  REQUIRE(std::regex_search(last_test, misses, std::regex(R"(misses: ([0-9]+))")));
  REQUIRE(report.output.find("report: " + misses[1].str() + " test mistakes on the sse2 kernels") != std::string::npos);
  for (const char* picture : {"learning_curves.png", "mistakes.png", "h1_kernels.png"}) {
    std::ifstream png(dir / picture, std::ios::binary);
    char signature[8] = {};
    png.read(signature, 8);
    INFO(picture);
    REQUIRE(std::string(signature + 1, 3) == "PNG");
  }
  // Not a run folder: a one-line error naming what is missing.
  const auto bad = run_program(lenet1_exe + " report " + data_dir);
  REQUIRE(bad.status != 0);
  REQUIRE(bad.output.find("config.json") != std::string::npos);

  // Two runs' curves on one picture; one run, or a folder without metrics, is refused.
  const auto other = dir.parent_path() / "report_run_2";
  const auto trained_other =
      run_program(lenet1_exe + " train --steps 2000 --passes 1 --data " + data_dir + " --out " + other.string());
  REQUIRE(trained_other.status == 0);
  const auto picture = dir.parent_path() / "both.png";
  const auto curves = run_program(lenet1_exe + " curves " + dir.string() + " " + other.string() +
                                  " --labels full short --out " + picture.string());
  INFO(curves.output);
  REQUIRE(curves.status == 0);
  std::ifstream png(picture, std::ios::binary);
  char signature[8] = {};
  png.read(signature, 8);
  REQUIRE(std::string(signature + 1, 3) == "PNG");
  CHECK(run_program(lenet1_exe + " curves " + dir.string() + " --out " + picture.string()).status == 2);
  const auto no_metrics =
      run_program(lenet1_exe + " curves " + dir.string() + " " + data_dir + " --out " + picture.string());
  CHECK(no_metrics.status == 1);
  CHECK(no_metrics.output.find("metrics.csv") != std::string::npos);
  std::filesystem::remove_all(dir.parent_path());
}

TEST_CASE("weights of another model are refused with a one-line error and exit status 2", "[e2e]") {
  const auto dir = scratch_dir();
  const auto other = (dir / "mlp_like.safetensors").string();
  std::vector<float> values(12, 0.5f);
  ctgrad::io::TensorView view{"w1", {3, 4}, values};
  ctgrad::io::write_safetensors(other, std::span(&view, 1));
  const auto run = run_program(lenet1_exe + " train --steps 0 --data " + data_dir + " --init " + other);
  INFO(run.output);
  REQUIRE(run.status == 2);
  REQUIRE(std::count(run.output.begin(), run.output.end(), '\n') == 1);
  REQUIRE(run.output.find("another model") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a diverging learning rate stops training with a message, not NaNs", "[e2e]") {
  // ReLU layers are unbounded: plain SGD at this rate overflows within steps.
  const auto run = run_program(lenet1_exe + " train --recipe modern --optimizer sgd --lr 1000 --no-augment --passes 1 --data " +
                               data_dir);
  INFO(run.output);
  REQUIRE(run.status == 1);
  REQUIRE(run.output.find("training diverged at pass 1, step") != std::string::npos);
  REQUIRE(eval_lines(run.output).empty());  // stopped before printing numbers
}

TEST_CASE("lenet1 ablation refuses to overwrite a results page without its section markers", "[e2e]") {
  const auto dir = scratch_dir();
  const auto page = dir / "notes.md";
  std::ofstream(page) << "# my notes\n";
  const auto run = run_program(lenet1_exe + " ablation --data " + data_dir + " --results " + page.string());
  INFO(run.output);
  REQUIRE(run.status == 2);
  REQUIRE(run.output.find("refusing to overwrite") != std::string::npos);
  std::ifstream stream(page);
  REQUIRE(std::string(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()) == "# my notes\n");
  std::filesystem::remove_all(dir);
}
