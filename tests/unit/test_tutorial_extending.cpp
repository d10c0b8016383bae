// docs/extending.md's code is real: its new op passes a gradient check on
// both kernel paths, its new architecture trains on the real data and fails
// cleanly without it, its convnet of the everyday ops and tied biases passes
// a gradient check, and the code the page quotes from those files is theirs
// word for word.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <boost/hana/define_struct.hpp>

#include "examples/convnet/convnet.hpp"
#include "examples/mlp/leaky_relu.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/run_program.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;

namespace {
struct Values {
  BOOST_HANA_DEFINE_STRUCT(Values, (Parameter<Shape<4, 9>, "a">, a));
};

std::string read_file(const std::filesystem::path& file) {
  std::ifstream stream(file);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}
}  // namespace

TEMPLATE_TEST_CASE("the tutorial's leaky_relu has the right gradient", "[tutorial][gradcheck]", CTGRAD_KERNEL_PATHS) {
  Values p;
  std::mt19937 rng(21);
  testing::randomize_parameters(p, rng);
  for (float& v : p.a.value)
    if (std::abs(v) < 1e-2f) v = 0.5f;  // away from the kink at 0
  auto loss = mse(mlp::leaky_relu(p.a, 0.1f), target<Shape<4, 9>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  testing::randomize(graph->template input<"target">(), rng);
  testing::check_gradients(*graph, p);
}

TEST_CASE("the tutorial's MLP trains: one pass reaches test error below 15%", "[tutorial]") {
  const auto run = testing::run_program(std::string(CTGRAD_MLP_EXE) + " " + CTGRAD_DATA_DIR + " 1");
  INFO(run.output);
  REQUIRE(run.status == 0);
  const auto at = run.output.find("pass 1: test error ");
  REQUIRE(at != std::string::npos);
  REQUIRE(std::stod(run.output.substr(at + 19)) < 15.0);
}

TEST_CASE("the tutorial's MLP refuses bad arguments in one line, with the exit status of the real programs",
          "[tutorial]") {
  // Folders of this process's own: this file runs twice at once under
  // `ctest -j` (once per kernel path), and one run must not remove the
  // other's folder.
  const std::string pid = std::to_string(::getpid());
  const std::filesystem::path missing = std::filesystem::temp_directory_path() / ("ctgrad-no-such-data-folder-" + pid);
  std::filesystem::remove_all(missing);
  const std::filesystem::path empty = std::filesystem::temp_directory_path() / ("ctgrad-empty-data-folder-" + pid);
  std::filesystem::remove_all(empty);
  std::filesystem::create_directories(empty);
  struct Case {
    std::string arguments;
    int status;
    std::string names;  // the flag or file the one line must name
  };
  for (const Case& c : {Case{missing.string() + " 1", 2, "DATA_DIR: expected a folder of prepared digits"},
                        Case{CTGRAD_DATA_DIR " many", 2, "PASSES: expected a whole number of at least 1, found 'many'"},
                        Case{"", 2, "usage: mlp DATA_DIR [PASSES]"},
                        Case{empty.string() + " 1", 1, (empty / "train_images.npy").string()}}) {
    const auto run = testing::run_program(std::string(CTGRAD_MLP_EXE) + " " + c.arguments);
    INFO("mlp " << c.arguments << "\n" << run.output);
    CHECK(run.status == c.status);
    CHECK(run.output.find(c.names) != std::string::npos);
    CHECK(std::count(run.output.begin(), run.output.end(), '\n') == 1);
    CHECK(run.output.find("terminate") == std::string::npos);
  }
  std::filesystem::remove_all(empty);
}

TEMPLATE_TEST_CASE("the tutorial's convnet of the everyday ops and tied biases has the right gradients",
                   "[tutorial][gradcheck]", CTGRAD_KERNEL_PATHS) {
  auto p = std::make_unique<convnet::Params>();
  auto loss = cross_entropy(convnet::network(*p), target<Shape<10>>());
  std::mt19937 rng(22);
  testing::randomize_parameters(*p, rng, 0.5f);
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  testing::randomize(input<"x">(*graph), rng);
  target(*graph)[3] = 1.f;
  testing::check_gradients(*graph, *p);
}

// Every ```cpp block of docs/extending.md whose first line is
// "// from <file>" must appear in that file exactly (after that line), so
// the page shows the code the tests above compile.
TEST_CASE("docs/extending.md quotes its example files word for word", "[tutorial]") {
  const std::filesystem::path source = CTGRAD_SOURCE_DIR;
  const std::string page = read_file(source / "docs/extending.md");
  std::size_t quoted = 0;
  for (std::size_t at = page.find("```cpp\n// from "); at != std::string::npos;
       at = page.find("```cpp\n// from ", at + 1)) {
    const std::size_t name_begin = at + 15, name_end = page.find('\n', name_begin);
    const std::string file = page.substr(name_begin, name_end - name_begin);
    const std::string block = page.substr(name_end + 1, page.find("```", name_end) - name_end - 1);
    INFO("docs/extending.md quotes " << file << ":\n" << block);
    CHECK(read_file(source / file).find(block) != std::string::npos);
    ++quoted;
  }
  REQUIRE(quoted >= 4);
}
