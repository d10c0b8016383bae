// Fits a tiny two-layer network to one target with SGD; prints "consumer ok"
// if the loss falls by 10x. Exercises the installed headers end to end, and
// prints the kernel set it runs (the widest this CPU runs, whatever the
// consumer's own flags).
#include <cstdio>
#include <memory>
#include <random>

#include <ctgrad/ctgrad.hpp>

using namespace ctgrad;

struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params, (Parameter<Shape<8, 16>, "w1">, w1), (Parameter<Shape<16>, "b1">, b1),
                           (Parameter<Shape<16, 4>, "w2">, w2), (Parameter<Shape<4>, "b2">, b2));
};

int main() {
  std::printf("kernels %s, arch %s\n", kernels::Selected::set(), kernels::Selected::arch());
  auto p = std::make_unique<Params>();
  std::mt19937 rng(1);
  init_uniform_fan_in(*p, rng, 1.f);
  auto loss = mse(tanh(matmul(tanh(matmul(input<Shape<8>>(), p->w1) + p->b1), p->w2) + p->b2), target<Shape<4>>());
  auto graph = std::make_unique<Graph<decltype(loss)>>(loss);
  for (std::size_t i = 0; i < 8; ++i) input<"x">(*graph)[i] = 0.1f * static_cast<float>(i);
  auto& t = target(*graph);
  t[0] = 0.5f, t[1] = -0.5f, t[2] = 0.25f, t[3] = 0.f;
  graph->forward();
  const float first = graph->loss();
  for (int step = 0; step < 200; ++step) {
    graph->forward();
    graph->backward();
    sgd_step(*p, 0.1f);
  }
  graph->forward();
  std::printf("loss %g -> %g\n", first, graph->loss());
  if (!(graph->loss() < first / 10)) return 1;
  std::printf("consumer ok\n");
}
