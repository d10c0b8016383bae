// AdamW against values computed independently, the linear learning-rate
// schedule, decoupled weight decay, and the optimizer's footprint: fixed-size
// members, no heap.
#include <array>
#include <atomic>
#include <random>
#include <cmath>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <vector>

#include <boost/hana/define_struct.hpp>
#include <catch2/catch.hpp>

#include <ctgrad/ctgrad.hpp>

#include "tests/support/counting_allocator.hpp"

using namespace ctgrad;

namespace {

struct Tiny {
  BOOST_HANA_DEFINE_STRUCT(Tiny, (Parameter<Shape<2>, "w">, w), (Parameter<Shape<1>, "b">, b));
};

void set_gradients(Tiny& p, float w0, float w1, float b) {
  p.w.grad[0] = w0;
  p.w.grad[1] = w1;
  p.b.grad[0] = b;
}

}  // namespace

// lr 0.1, PyTorch's defaults (betas 0.9, 0.999, eps 1e-8, weight decay 0.01).
// w = (1, -2), b = 0.5; gradients (w0, w1, b) per step:
//   step 1: (0.5, -1, 2)   step 2: (-0.3, 0.2, 0)   step 3: (0.1, 0.4, -1)
// By hand, step 1 of w0: decay 1 * (1 - 0.1 * 0.01) = 0.999; m = 0.05,
// v = 0.00025; m_hat = 0.5, v_hat = 0.25, so w0 = 0.999 - 0.1 * 0.5 / (0.5 + 1e-8)
// = 0.899000002. Steps 2 and 3 follow the same formulas; the expected values
// below are from a double-precision evaluation of them (plain Python, written
// from the formulas, not from this code):
//   for t, g in enumerate(grads, 1):
//     p -= lr*wd*p; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g
//     p -= lr * (m/(1-b1**t)) / (sqrt(v/(1-b2**t)) + eps)
TEST_CASE("adamw: three steps match the formulas", "[optim]") {
  Tiny p;
  p.w.value[0] = 1.f;
  p.w.value[1] = -2.f;
  p.b.value[0] = 0.5f;
  AdamW<Tiny> optimizer;
  const float lr = 0.1f;
  constexpr double tolerance = 2e-6;  // a few float roundings of values near 1

  set_gradients(p, 0.5f, -1.f, 2.f);
  optimizer.step(p, lr);
  CHECK(p.w.value[0] == Approx(0.899000002).margin(tolerance));
  CHECK(p.w.value[1] == Approx(-1.898000001).margin(tolerance));
  CHECK(p.b.value[0] == Approx(0.399500001).margin(tolerance));

  set_gradients(p, -0.3f, 0.2f, 0.f);
  optimizer.step(p, lr);
  CHECK(p.w.value[0] == Approx(0.878951199).margin(tolerance));
  CHECK(p.w.value[1] == Approx(-1.844999394).margin(tolerance));
  CHECK(p.b.value[0] == Approx(0.332094676).margin(tolerance));  // zero gradient: momentum still moves it

  set_gradients(p, 0.1f, 0.4f, -1.f);
  optimizer.step(p, lr);
  CHECK(p.w.value[0] == Approx(0.852675729).margin(tolerance));
  CHECK(p.w.value[1] == Approx(-1.829730435).margin(tolerance));
  CHECK(p.b.value[0] == Approx(0.314035861).margin(tolerance));

  // The moments after three steps, and the step count.
  CHECK(optimizer.steps == 3);
  CHECK(optimizer.moments_of(p.w).exp_avg[0] == Approx(0.0235).margin(1e-7));
  CHECK(optimizer.moments_of(p.w).exp_avg[1] == Approx(-0.023).margin(1e-7));
  CHECK(optimizer.moments_of(p.b).exp_avg[0] == Approx(0.062).margin(1e-7));
  CHECK(optimizer.moments_of(p.w).exp_avg_sq[0] == Approx(0.00034941025).margin(1e-9));
  CHECK(optimizer.moments_of(p.w).exp_avg_sq[1] == Approx(0.001197961).margin(1e-9));
  CHECK(optimizer.moments_of(p.b).exp_avg_sq[0] == Approx(0.004992004).margin(1e-9));

  // Gradients are cleared for the next step's accumulation.
  CHECK(p.w.grad[0] == 0.f);
  CHECK(p.w.grad[1] == 0.f);
  CHECK(p.b.grad[0] == 0.f);
}

TEST_CASE("adamw: weight decay is decoupled from the gradient", "[optim]") {
  // With zero gradients the moments stay 0, so the Adam update is 0 and only
  // the decay acts: w *= 1 - lr * wd per step. Coupled L2 decay (Adam with
  // wd * w added to the gradient) would move w by ~lr per step instead.
  Tiny p;
  p.w.value[0] = 1.f;
  p.w.value[1] = -2.f;
  p.b.value[0] = 0.5f;
  AdamW<Tiny> optimizer{.weight_decay = 0.1};
  const float lr = 0.5f;
  double factor = 1;
  for (int step = 0; step < 3; ++step) {
    optimizer.step(p, lr);
    factor *= 1 - 0.5 * 0.1;
    INFO("step " << step + 1);
    CHECK(p.w.value[0] == Approx(1 * factor).epsilon(1e-6));
    CHECK(p.w.value[1] == Approx(-2 * factor).epsilon(1e-6));
    CHECK(p.b.value[0] == Approx(0.5 * factor).epsilon(1e-6));
  }
  AdamW<Tiny> no_decay{.weight_decay = 0};
  no_decay.step(p, lr);
  CHECK(p.w.value[0] == Approx(factor).epsilon(1e-6));
}

TEST_CASE("adamw: the state is fixed-size members, no heap", "[optim]") {
  using Optimizer = AdamW<Tiny>;
  STATIC_REQUIRE(std::is_trivially_copyable_v<Optimizer>);
  // Two moment tensors per parameter, as large as its value and grad (a
  // Parameter also holds its curvature estimate: three tensors).
  STATIC_REQUIRE(3 * sizeof(decltype(Optimizer::moments)) == 2 * sizeof(Tiny));
  STATIC_REQUIRE(std::is_same_v<decltype(std::declval<Optimizer&>().moments_of(std::declval<Tiny&>().w).exp_avg),
                                Tensor<Shape<2>>>);

  Tiny p;
  Optimizer optimizer;
  const std::size_t before = ctgrad::testing::allocation_count.load();
  for (int step = 0; step < 5; ++step) {
    set_gradients(p, 0.1f, 0.2f, 0.3f);
    optimizer.step(p, 0.01f);
  }
  CHECK(ctgrad::testing::allocation_count.load() == before);
  std::vector<int> probe(3);  // the counter works
  CHECK(ctgrad::testing::allocation_count.load() > before);
}

TEST_CASE("linear_decay: lr at the first pass to lr / 3 at the last", "[optim]") {
  // modern.py: alpha = pass / (passes - 1); lr = (1 - alpha) lr0 + alpha lr0 / 3
  CHECK(linear_decay(3e-4f, 0, 23) == Approx(3e-4).epsilon(1e-6));
  CHECK(linear_decay(3e-4f, 11, 23) == Approx(2e-4).epsilon(1e-6));
  CHECK(linear_decay(3e-4f, 22, 23) == Approx(1e-4).epsilon(1e-6));
  CHECK(linear_decay(0.3f, 1, 4) == Approx(0.3 * (2.0 / 3 + 1.0 / 9)).epsilon(1e-6));
  CHECK(linear_decay(0.3f, 0, 1) == 0.3f);
  CHECK(linear_decay(1.f, 2, 3, 0.5) == Approx(0.5).epsilon(1e-7));
  CHECK(linear_decay(1.f, 1, 3, 0.0) == Approx(0.5).epsilon(1e-7));
  STATIC_REQUIRE(linear_decay(1.f, 0, 10) == 1.f);
}

// The update kernel on both paths, over a length with a SIMD tail (37 is
// 2 x 16 + 5 with AVX-512, 9 x 4 + 1 with SSE), many steps: the paths may
// differ in rounding where a multiply-add is fused on one and not the other
// (xsimd 8.1's fma is a plain x * y + z on AVX-512, fused or not as the
// optimizer decides), never by more.
TEST_CASE("adamw: the scalar and SIMD update kernels agree, tail included", "[optim]") {
  constexpr std::size_t n = 37;
  std::array<std::array<float, n>, 2> value{}, exp_avg{}, exp_avg_sq{};
  std::array<float, n> grad{};
  std::mt19937 rng(11);
  std::normal_distribution<float> normal;
  for (std::size_t i = 0; i < n; ++i) value[0][i] = value[1][i] = normal(rng);
  for (int step = 1; step <= 200; ++step) {
    for (float& g : grad) g = normal(rng);
    const double t = step;
    const kernels::AdamWConstants c{.decay = 1.f - 1e-3f * 0.01f,
                                    .one_minus_beta1 = 0.1f,
                                    .beta2 = 0.999f,
                                    .one_minus_beta2 = 0.001f,
                                    .step_size = static_cast<float>(1e-3 / (1 - std::pow(0.9, t))),
                                    .bias_correction2_sqrt = static_cast<float>(std::sqrt(1 - std::pow(0.999, t))),
                                    .eps = 1e-8f};
    kernels::Scalar::adamw_update(n, c, value[0].data(), grad.data(), exp_avg[0].data(), exp_avg_sq[0].data());
    kernels::Simd::adamw_update(n, c, value[1].data(), grad.data(), exp_avg[1].data(), exp_avg_sq[1].data());
  }
  for (std::size_t i = 0; i < n; ++i) {
    INFO("element " << i);
    CHECK(value[1][i] == Approx(value[0][i]).epsilon(1e-5));
    CHECK(exp_avg[1][i] == Approx(exp_avg[0][i]).epsilon(1e-5));
    CHECK(exp_avg_sq[1][i] == Approx(exp_avg_sq[0][i]).epsilon(1e-5));
  }
}
