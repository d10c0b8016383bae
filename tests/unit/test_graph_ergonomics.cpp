// What a user of the library reaches for around a graph: its inputs by name
// from inside a template, gradients saved to a file with nothing but
// ctgrad.hpp included, and which instruction set the SIMD path was built for.
#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

#include <ctgrad/ctgrad.hpp>  // the only ctgrad header: save_gradients comes with it

using namespace ctgrad;

namespace {

struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params, (Parameter<Shape<3, 2>, "w">, w), (Parameter<Shape<2>, "b">, b));
};

auto loss_of(Params& p) { return mse(tanh(matmul(input<Shape<3>>(), p.w) + p.b), target<Shape<2>>()); }

// A generic helper as users write them: no `graph.template input<"x">()`.
template <class G>
void write_example(G& graph, float x0, float label) {
  input<"x">(graph).fill(x0);
  target(graph).fill(label);
}

}  // namespace

TEST_CASE("input<\"x\">(graph) and target(graph) are the graph's own tensors, usable in templates", "[graph]") {
  auto p = std::make_unique<Params>();
  auto graph = compile<kernels::Scalar>(loss_of(*p));
  write_example(graph, 0.25f, -1.f);
  CHECK(&input<"x">(graph) == &graph.input<"x">());
  CHECK(&target(graph) == &graph.input<"target">());
  CHECK(graph.input<"x">()[2] == 0.25f);
  CHECK(graph.input<"target">()[1] == -1.f);
}

TEST_CASE("input<\"x\">(graph, b) and target(graph, b) are example b's in a batched graph", "[graph][batch]") {
  auto p = std::make_unique<Params>();
  auto graph = std::make_unique<decltype(compile<kernels::Scalar, Batch<3>>(loss_of(*p)))>(loss_of(*p));
  input<"x">(*graph, 2).fill(4.f);
  target(*graph, 1).fill(-3.f);
  CHECK(&input<"x">(*graph, 2) == &graph->input<"x">()[2]);
  CHECK(graph->input<"x">(2)[0] == 4.f);
  CHECK(graph->input<"target">(1)[1] == -3.f);
  CHECK(graph->input<"x">(0)[0] == 0.f);
}

TEST_CASE("several targets under their own names are accepted and filled by name", "[graph]") {
  auto p = std::make_unique<Params>();
  auto prediction = tanh(matmul(input<Shape<3>>(), p->w) + p->b);
  auto loss = mse(prediction, target<Shape<2>>()) + mse(prediction, target<Shape<2>, "teacher">());
  auto graph = compile<kernels::Scalar>(loss);
  target<"teacher">(graph).fill(0.5f);
  CHECK(graph.input<"teacher">()[0] == 0.5f);
  CHECK(&target<"teacher">(graph) != &target(graph));
}

TEST_CASE("save_gradients writes each Parameter::grad under the parameter's name", "[graph][io]") {
  auto p = std::make_unique<Params>();
  for (std::size_t i = 0; i < p->w.value.size; ++i) p->w.value[i] = 0.1f * static_cast<float>(i) - 0.2f;
  auto graph = compile<kernels::Scalar>(loss_of(*p));
  write_example(graph, 1.f, 0.5f);
  graph.forward();
  graph.backward();
  REQUIRE(p->w.grad[0] != 0.f);

  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("ctgrad_test_gradients_" + std::to_string(::getpid()) + ".safetensors");
  save_gradients(file, *p);
  const auto tensors = io::read_safetensors(file);
  std::filesystem::remove(file);
  REQUIRE(tensors.size() == 2);
  CHECK(tensors.at("w").shape == std::vector<std::size_t>{3, 2});
  CHECK(tensors.at("b").shape == std::vector<std::size_t>{2});
  for (std::size_t i = 0; i < p->w.grad.size; ++i) CHECK(tensors.at("w").values[i] == p->w.grad[i]);
  for (std::size_t i = 0; i < p->b.grad.size; ++i) CHECK(tensors.at("b").values[i] == p->b.grad[i]);
  CHECK(tensors.at("w").values[0] != p->w.value[0]);  // the gradient, not the value
}

TEST_CASE("kernels::Simd runs the widest instruction set of this CPU, whatever this file's flags", "[graph][kernels]") {
  const std::string arch = kernels::Simd::arch();
  INFO("arch " << arch);
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    CHECK(arch == "avx512bw");
  else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    CHECK(arch == "fma3+avx2");
  else
    CHECK(arch == "sse2");
#endif
  CHECK(std::string(kernels::Scalar::arch()) == "none");
  CHECK(std::string(kernels::Scalar::set()) == "scalar");
}
