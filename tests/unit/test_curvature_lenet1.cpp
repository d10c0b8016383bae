// The whole LeNet-1 (1989 variant) curvature estimate, averaged over a few
// examples, against the Becker-LeCun recursion written out by hand for this
// one network in double precision: explicit loops over its units and
// connections (the forward, then the curvatures from the loss down), sharing
// nothing with the ops' rules or the kernels. Both kernel paths.
#include <array>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include <catch2/catch.hpp>
#include "tests/support/kernel_check.hpp"

#include "lenet1/instances.hpp"

using namespace ctgrad;

namespace {

// One example's estimate of every parameter, in the Params' flat layouts.
struct Estimate {
  std::vector<double> H1w = std::vector<double>(12 * 25), H1b = std::vector<double>(12 * 64),
                      H2w = std::vector<double>(12 * 8 * 25), H2b = std::vector<double>(12 * 16),
                      H3w = std::vector<double>(192 * 30), H3b = std::vector<double>(30),
                      outw = std::vector<double>(30 * 10), outb = std::vector<double>(10);
};

void add_by_hand(const lenet1::Params& p, const Tensor<lenet1::Image>& image, double weight, Estimate& h) {
  auto slope_squared = [](double y) { return (1 - y * y) * (1 - y * y); };
  // Forward.
  double xpad[20][20], h1[12][8][8], h1pad[12][12][12], h2[192], h3[30], out[10];
  for (auto& row : xpad)
    for (double& v : row) v = -1;
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x) xpad[y + 2][x + 2] = image[y * 16 + x];
  for (int o = 0; o < 12; ++o)
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) {
        double a = p.H1b.value[(o * 8 + y) * 8 + x];
        for (int ky = 0; ky < 5; ++ky)
          for (int kx = 0; kx < 5; ++kx) a += p.H1w.value[o * 25 + ky * 5 + kx] * xpad[2 * y + ky][2 * x + kx];
        h1[o][y][x] = std::tanh(a);
      }
  for (int c = 0; c < 12; ++c)
    for (int y = 0; y < 12; ++y)
      for (int x = 0; x < 12; ++x)
        h1pad[c][y][x] = (y >= 2 && y < 10 && x >= 2 && x < 10) ? h1[c][y - 2][x - 2] : -1.0;
  const auto& table = lenet1::H2Connections::planes;
  for (int o = 0; o < 12; ++o)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) {
        double a = p.H2b.value[(o * 4 + y) * 4 + x];
        for (int s = 0; s < 8; ++s)
          for (int ky = 0; ky < 5; ++ky)
            for (int kx = 0; kx < 5; ++kx)
              a += p.H2w.value[(o * 8 + s) * 25 + ky * 5 + kx] * h1pad[table[o][s]][2 * y + ky][2 * x + kx];
        h2[(o * 4 + y) * 4 + x] = std::tanh(a);
      }
  for (int j = 0; j < 30; ++j) {
    double a = p.H3b.value[j];
    for (int k = 0; k < 192; ++k) a += h2[k] * p.H3w.value[k * 30 + j];
    h3[j] = std::tanh(a);
  }
  for (int i = 0; i < 10; ++i) {
    double a = p.outb.value[i];
    for (int j = 0; j < 30; ++j) a += h3[j] * p.outw.value[j * 10 + i];
    out[i] = std::tanh(a);
  }
  // Curvatures from the loss down. ctgrad's mse is the mean over the 10
  // outputs, so d2E/dout2 = 2/10.
  double c_out[10], c_h3[30] = {}, c_h2[192] = {}, c_h1pad[12][12][12] = {};
  for (int i = 0; i < 10; ++i) c_out[i] = weight * 0.2 * slope_squared(out[i]);
  for (int i = 0; i < 10; ++i) {
    h.outb[i] += c_out[i];
    for (int j = 0; j < 30; ++j) {
      h.outw[j * 10 + i] += c_out[i] * h3[j] * h3[j];
      c_h3[j] += double(p.outw.value[j * 10 + i]) * p.outw.value[j * 10 + i] * c_out[i];
    }
  }
  for (int j = 0; j < 30; ++j) {
    const double c = c_h3[j] * slope_squared(h3[j]);
    h.H3b[j] += c;
    for (int k = 0; k < 192; ++k) {
      h.H3w[k * 30 + j] += c * h2[k] * h2[k];
      c_h2[k] += double(p.H3w.value[k * 30 + j]) * p.H3w.value[k * 30 + j] * c;
    }
  }
  for (int o = 0; o < 12; ++o)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) {
        const int unit = (o * 4 + y) * 4 + x;
        const double c = c_h2[unit] * slope_squared(h2[unit]);
        h.H2b[unit] += c;
        for (int s = 0; s < 8; ++s)
          for (int ky = 0; ky < 5; ++ky)
            for (int kx = 0; kx < 5; ++kx) {
              const int w = (o * 8 + s) * 25 + ky * 5 + kx;
              const double in = h1pad[table[o][s]][2 * y + ky][2 * x + kx];
              h.H2w[w] += c * in * in;
              c_h1pad[table[o][s]][2 * y + ky][2 * x + kx] += double(p.H2w.value[w]) * p.H2w.value[w] * c;
            }
      }
  for (int o = 0; o < 12; ++o)
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) {
        const double c = c_h1pad[o][y + 2][x + 2] * slope_squared(h1[o][y][x]);
        h.H1b[(o * 8 + y) * 8 + x] += c;
        for (int ky = 0; ky < 5; ++ky)
          for (int kx = 0; kx < 5; ++kx) h.H1w[o * 25 + ky * 5 + kx] += c * xpad[2 * y + ky][2 * x + kx] * xpad[2 * y + ky][2 * x + kx];
      }
}

template <class S>
void check_parameter(const char* name, const Tensor<S>& actual, const std::vector<double>& expected) {
  double largest = 0;
  for (double v : expected) largest = std::max(largest, v);
  REQUIRE(largest > 0);
  for (std::size_t k = 0; k < S::size; ++k) {
    INFO(name << "[" << k << "]");
    CHECK(actual[k] == Approx(expected[k]).epsilon(1e-4).margin(1e-6 * largest));
  }
}

}  // namespace

TEST_CASE("curvature: LeNet-1's estimate over 4 examples matches the recursion by hand", "[curvature]") {
  using TestType = ctgrad::kernels::Selected;  // on every kernel set this CPU runs
  const ctgrad::testing::SelectedSet set(*GENERATE(from_range(ctgrad::testing::sets_here())));
  INFO("kernel set " << set.name());
  lenet1::Params p;
  lenet1::initialize(p, 7);
  // Trained-looking biases, so no unit sits at a symmetric point by construction.
  std::mt19937 rng(8);
  for (float& v : p.H1b.value) v = (uniform01(rng) - 0.5f) * 0.4f;
  auto graph = std::make_unique<lenet1::TrainingGraph<TestType>>(lenet1::training_loss(p));
  auto pass = std::make_unique<CurvaturePass<lenet1::TrainingGraph<TestType>>>(*graph);
  zero_curvature(p);
  Estimate expected;
  constexpr int examples = 4;
  for (int e = 0; e < examples; ++e) {
    auto& image = graph->template input<"x">();
    for (float& v : image) v = uniform01(rng) * 2.f - 1.f;
    auto& target = graph->template input<"target">();
    target.fill(-1.f);
    target[static_cast<std::size_t>(e * 3 % 10)] = 1.f;
    graph->forward();
    pass->run(1.f / examples);
    add_by_hand(p, image, 1.0 / examples, expected);
  }
  check_parameter("H1w", p.H1w.curvature, expected.H1w);
  check_parameter("H1b", p.H1b.curvature, expected.H1b);
  check_parameter("H2w", p.H2w.curvature, expected.H2w);
  check_parameter("H2b", p.H2b.curvature, expected.H2b);
  check_parameter("H3w", p.H3w.curvature, expected.H3w);
  check_parameter("H3b", p.H3b.curvature, expected.H3b);
  check_parameter("outw", p.outw.curvature, expected.outw);
  check_parameter("outb", p.outb.curvature, expected.outb);
}
