// The curvature pass (graph/curvature.hpp), op by op, against a Gauss-Newton
// diagonal computed without it: the Jacobian of the prediction with respect
// to every parameter element by central differences (forward only), then
//   h_k = sum_i J_ik^2 l''_i,
// l'' the loss's diagonal second derivative in the prediction (2/n for a
// mean of squares; p (1 - p) for softmax cross-entropy, from the test's own
// softmax). With one weighted sum between a parameter and the prediction,
// each prediction depends on a parameter element through one unit, so the
// Becker-LeCun recursion (which drops cross terms between units) is exactly
// this diagonal. Both kernel paths.
#include <boost/hana/define_struct.hpp>

#include "tests/support/gradcheck.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;
using ctgrad::testing::randomize;
using ctgrad::testing::randomize_parameters;

namespace {

// Float forward, step 1e-2: truncation ~1e-4 relative, rounding ~1e-5 of
// the prediction's scale over the step, hence a tolerance of 1e-3
// relative plus 1e-4 of the largest estimate.
template <class K, class Params, class Loss, class Prediction, class LossCurvature>
void check_curvature(Params& params, const Loss& loss, const Prediction& prediction, std::uint32_t seed,
                     LossCurvature loss_curvature) {
  std::mt19937 rng(seed);
  randomize_parameters(params, rng);
  auto graph = std::make_unique<Graph<Loss, K>>(loss);
  randomize(graph->template input<"target">(), rng);
  using Out = typename Prediction::shape;

  graph->forward();
  const std::array<float, Out::size> weights = loss_curvature(graph->value(prediction), graph->template input<"target">());
  zero_curvature(params);
  auto pass = std::make_unique<CurvaturePass<Graph<Loss, K>>>(*graph);
  pass->run();

  const float step = 1e-2f;
  for (const ParameterRef& parameter : parameter_refs(params)) {
    const std::string name(parameter.name);
    float largest = 0;
    for (float h : parameter.curvature) largest = std::max(largest, h);
    for (std::size_t k = 0; k < parameter.value.size(); ++k) {
      const float saved = parameter.value[k];
      parameter.value[k] = saved + step;
      graph->forward();
      const Tensor<Out> up = graph->value(prediction);
      parameter.value[k] = saved - step;
      graph->forward();
      const Tensor<Out> down = graph->value(prediction);
      parameter.value[k] = saved;
      double expected = 0;
      for (std::size_t i = 0; i < Out::size; ++i) {
        const double jacobian = (double(up[i]) - double(down[i])) / (2.0 * step);
        expected += jacobian * jacobian * weights[i];
      }
      INFO(name << "[" << k << "]");
      CHECK(parameter.curvature[k] == Approx(expected).epsilon(1e-3).margin(1e-4 * largest + 1e-7));
    }
  }
}

template <std::size_t N>
auto mean_of_squares() {
  return [](const auto&, const auto&) {
    std::array<float, N> weights;
    weights.fill(2.f / static_cast<float>(N));
    return weights;
  };
}
template <std::size_t N>
auto softmax_cross_entropy() {  // p (1 - p) (sum t), p = softmax(z)
  return [](const auto& z, const auto& t) {
    double largest = z[0], sum = 0, mass = 0;
    for (std::size_t i = 0; i < N; ++i) largest = std::max(largest, double(z[i]));
    for (std::size_t i = 0; i < N; ++i) sum += std::exp(double(z[i]) - largest);
    for (std::size_t i = 0; i < N; ++i) mass += t[i];
    std::array<float, N> weights;
    for (std::size_t i = 0; i < N; ++i) {
      const double p = std::exp(double(z[i]) - largest) / sum;
      weights[i] = static_cast<float>(p * (1 - p) * mass);
    }
    return weights;
  };
}

struct Unary {
  BOOST_HANA_DEFINE_STRUCT(Unary, (Parameter<Shape<3, 5, 7>, "a">, a));
};
struct Binary {
  BOOST_HANA_DEFINE_STRUCT(Binary, (Parameter<Shape<3, 5, 7>, "a">, a), (Parameter<Shape<3, 5, 7>, "b">, b));
};
struct MatrixProduct {
  BOOST_HANA_DEFINE_STRUCT(MatrixProduct, (Parameter<Shape<4, 9>, "a">, a), (Parameter<Shape<9, 6>, "b">, b));
};
struct VectorProduct {
  BOOST_HANA_DEFINE_STRUCT(VectorProduct, (Parameter<Shape<17>, "x">, x), (Parameter<Shape<17, 10>, "w">, w),
                           (Parameter<Shape<10>, "b">, b));
};
struct SparseTable {  // output plane o reads two of the three input planes
  static constexpr std::array<std::array<std::size_t, 2>, 4> planes = {{{0, 1}, {1, 2}, {0, 2}, {0, 1}}};
};
struct SparseConvolution {
  BOOST_HANA_DEFINE_STRUCT(SparseConvolution, (Parameter<Shape<3, 7, 7>, "x">, x),
                           (Parameter<Shape<4, 2, 3, 3>, "w">, w), (Parameter<Shape<4, 5, 5>, "b">, b));
};
struct Convolution {
  BOOST_HANA_DEFINE_STRUCT(Convolution, (Parameter<Shape<2, 6, 6>, "x">, x), (Parameter<Shape<3, 2, 3, 3>, "w">, w));
};
struct PlaneBiased {
  BOOST_HANA_DEFINE_STRUCT(PlaneBiased, (Parameter<Shape<3, 5, 7>, "a">, a), (Parameter<Shape<3>, "b">, b));
};
struct Subsampled {
  BOOST_HANA_DEFINE_STRUCT(Subsampled, (Parameter<Shape<2, 4, 20>, "a">, a), (Parameter<Shape<2>, "w">, w));
};
struct MaxPooled {
  BOOST_HANA_DEFINE_STRUCT(MaxPooled, (Parameter<Shape<2, 2, 20>, "a">, a));
};
// The smallest gap, over the 2x2 windows of a [C, 2, W] tensor, between a
// window's largest value and its second.
template <class T>
float smallest_gap_below_max(const T& a) {
  using S = typename T::shape;
  float gap = 1e9f;
  for (std::size_t c = 0; c < S::dims[0]; ++c)
    for (std::size_t j = 0; j < S::dims[2]; j += 2) {
      std::array<float, 4> w;
      for (std::size_t k = 0; k < 4; ++k) w[k] = a[(c * 2 + k / 2) * S::dims[2] + j + k % 2];
      std::sort(w.begin(), w.end());
      gap = std::min(gap, w[3] - w[2]);
    }
  return gap;
}
struct RowBiased {
  BOOST_HANA_DEFINE_STRUCT(RowBiased, (Parameter<Shape<4, 6>, "a">, a), (Parameter<Shape<6>, "b">, b));
};
struct Logits {
  BOOST_HANA_DEFINE_STRUCT(Logits, (Parameter<Shape<12>, "x">, x), (Parameter<Shape<12, 10>, "w">, w));
};

}  // namespace

TEMPLATE_TEST_CASE("curvature: mse alone is 2/n per output", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  auto y = flatten(p.a);
  check_curvature<TestType>(p, mse(y, target<Shape<105>>()), y, 1, mean_of_squares<105>());
}

TEMPLATE_TEST_CASE("curvature: tanh multiplies by tanh'^2", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  auto y = tanh(p.a);
  check_curvature<TestType>(p, mse(y, target<Shape<3, 5, 7>>()), y, 2, mean_of_squares<105>());
}

TEMPLATE_TEST_CASE("curvature: gelu multiplies by gelu'^2", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  auto y = gelu(p.a);
  check_curvature<TestType>(p, mse(y, target<Shape<3, 5, 7>>()), y, 2, mean_of_squares<105>());
}

TEMPLATE_TEST_CASE("curvature: add reaches both operands", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Binary p;
  auto y = tanh(p.a + p.b);
  check_curvature<TestType>(p, mse(y, target<Shape<3, 5, 7>>()), y, 3, mean_of_squares<105>());
}

TEMPLATE_TEST_CASE("curvature: an operand used twice sums its users", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Binary p;
  // a is read by the sum and by the tanh: d y / d a_k = 1 + tanh'(a_k) at one unit.
  auto y = p.b + tanh(p.a) + p.a;
  // The recursion adds the two paths' curvatures (c_y + tanh'^2 c_y), while
  // the Gauss-Newton diagonal squares the summed Jacobian: not equal, so this
  // case checks the documented summation instead, by its own loop.
  std::mt19937 rng(4);
  randomize_parameters(p, rng);
  auto loss = mse(y, target<Shape<3, 5, 7>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  randomize(graph->template input<"target">(), rng);
  graph->forward();
  zero_curvature(p);
  CurvaturePass<Graph<decltype(loss), TestType>> pass(*graph);
  pass.run();
  for (std::size_t k = 0; k < 105; ++k) {
    const double slope = 1.0 - std::tanh(double(p.a.value[k])) * std::tanh(double(p.a.value[k]));
    CHECK(p.a.curvature[k] == Approx((1.0 + slope * slope) * 2.0 / 105).epsilon(1e-5));
    CHECK(p.b.curvature[k] == Approx(2.0 / 105).epsilon(1e-6));
  }
}

TEMPLATE_TEST_CASE("curvature: pad routes the interior", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  auto y = tanh(pad<2>(p.a, -1.f));
  check_curvature<TestType>(p, mse(y, target<Shape<3, 9, 11>>()), y, 5, mean_of_squares<297>());
}

TEMPLATE_TEST_CASE("curvature: reshape keeps element order", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  auto y = tanh(reshape<Shape<15, 7>>(p.a));
  check_curvature<TestType>(p, mse(y, target<Shape<15, 7>>()), y, 6, mean_of_squares<105>());
}

TEMPLATE_TEST_CASE("curvature: matmul, matrix by matrix", "[curvature]", CTGRAD_KERNEL_PATHS) {
  MatrixProduct p;
  auto y = tanh(matmul(p.a, p.b));
  check_curvature<TestType>(p, mse(y, target<Shape<4, 6>>()), y, 7, mean_of_squares<24>());
}

TEMPLATE_TEST_CASE("curvature: matmul, vector by matrix, with a bias", "[curvature]", CTGRAD_KERNEL_PATHS) {
  VectorProduct p;
  auto y = tanh(matmul(p.x, p.w) + p.b);
  check_curvature<TestType>(p, mse(y, target<Shape<10>>()), y, 8, mean_of_squares<10>());
}

TEMPLATE_TEST_CASE("curvature: conv2d with a connection table and an untied bias", "[curvature]",
                   CTGRAD_KERNEL_PATHS) {
  SparseConvolution p;
  auto y = tanh(conv2d<1, SparseTable>(p.x, p.w) + p.b);
  check_curvature<TestType>(p, mse(y, target<Shape<4, 5, 5>>()), y, 9, mean_of_squares<100>());
}

TEMPLATE_TEST_CASE("curvature: conv2d with stride 2", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Convolution p;
  auto y = tanh(conv2d<2>(p.x, p.w));
  check_curvature<TestType>(p, mse(y, target<Shape<3, 2, 2>>()), y, 10, mean_of_squares<12>());
}

TEMPLATE_TEST_CASE("curvature: relu passes where the input is positive", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  auto y = relu(p.a);
  check_curvature<TestType>(p, mse(y, target<Shape<3, 5, 7>>()), y, 11, mean_of_squares<105>());
}

TEMPLATE_TEST_CASE("curvature: plane_bias sums its plane", "[curvature]", CTGRAD_KERNEL_PATHS) {
  PlaneBiased p;
  auto y = tanh(plane_bias(p.a, p.b));
  check_curvature<TestType>(p, mse(y, target<Shape<3, 5, 7>>()), y, 12, mean_of_squares<105>());
}

TEMPLATE_TEST_CASE("curvature: subsample, a shared coefficient per plane", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Subsampled p;
  auto y = tanh(subsample<2>(p.a, p.w));
  check_curvature<TestType>(p, mse(y, target<Shape<2, 2, 10>>()), y, 16, mean_of_squares<40>());
}

TEMPLATE_TEST_CASE("curvature: max_pool routes to each window's maximum", "[curvature]", CTGRAD_KERNEL_PATHS) {
  // The finite differences step each input by 1e-2, so a window whose two
  // largest values lie closer than that has its kink inside the step: the
  // seed is one whose windows all have a clear maximum (checked first, with
  // check_curvature's own draw of the values).
  MaxPooled p;
  constexpr std::uint32_t seed = 24;
  {
    std::mt19937 rng(seed);
    randomize_parameters(p, rng);
    REQUIRE(smallest_gap_below_max(p.a.value) > 0.03f);  // 0.044 for seed 24
  }
  auto y = tanh(max_pool<2>(p.a));
  check_curvature<TestType>(p, mse(y, target<Shape<2, 1, 10>>()), y, seed, mean_of_squares<20>());
}

TEMPLATE_TEST_CASE("curvature: row_bias sums its column", "[curvature]", CTGRAD_KERNEL_PATHS) {
  RowBiased p;
  auto y = tanh(row_bias(p.a, p.b));
  check_curvature<TestType>(p, mse(y, target<Shape<4, 6>>()), y, 13, mean_of_squares<24>());
}

TEMPLATE_TEST_CASE("curvature: softmax cross-entropy takes p (1 - p)", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Logits p;
  auto z = matmul(p.x, p.w);
  check_curvature<TestType>(p, cross_entropy(z, target<Shape<10>>()), z, 14, softmax_cross_entropy<10>());
}

TEMPLATE_TEST_CASE("curvature: dropout scales by the mask squared", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  std::mt19937 rng(15);
  randomize_parameters(p, rng);
  DropoutControl control{&rng, true};
  auto y = dropout(p.a, 0.5f, control);
  auto loss = mse(y, target<Shape<3, 5, 7>>());
  auto graph = std::make_unique<Graph<decltype(loss), TestType>>(loss);
  graph->forward();
  zero_curvature(p);
  CurvaturePass<Graph<decltype(loss), TestType>> pass(*graph);
  pass.run();
  std::size_t kept = 0;
  for (std::size_t k = 0; k < 105; ++k) {
    // y_k = mask_k a_k with mask 0 or 2: the curvature is mask^2 * 2/n.
    const float mask = graph->value(y)[k] / p.a.value[k];
    kept += mask > 1.f;
    CHECK(p.a.curvature[k] == Approx(mask * mask * 2.0 / 105).epsilon(1e-4).margin(1e-9));
  }
  CHECK(kept > 20);
  CHECK(kept < 85);
}

TEMPLATE_TEST_CASE("curvature: a batch's estimate is the mean of its examples'", "[curvature]", CTGRAD_KERNEL_PATHS) {
  VectorProduct p;
  std::mt19937 rng(16);
  randomize_parameters(p, rng);
  auto loss = mse(tanh(matmul(input<Shape<17>>(), p.w) + p.b), target<Shape<10>>());
  using Batched = Graph<decltype(loss), TestType, 3>;
  using Single = Graph<decltype(loss), TestType, 1>;
  auto batched = std::make_unique<Batched>(loss);
  auto single = std::make_unique<Single>(loss);
  for (std::size_t b = 0; b < 3; ++b) {
    randomize(batched->template input<"x">(b), rng);
    randomize(batched->template input<"target">(b), rng);
  }
  batched->forward();
  zero_curvature(p);
  CurvaturePass<Batched>(*batched).run();
  const auto w_batched = p.w.curvature;
  const auto b_batched = p.b.curvature;

  zero_curvature(p);
  CurvaturePass<Single> pass(*single);
  for (std::size_t b = 0; b < 3; ++b) {
    single->template input<"x">() = batched->template input<"x">(b);
    single->template input<"target">() = batched->template input<"target">(b);
    single->forward();
    pass.run(1.f / 3.f);
  }
  for (std::size_t k = 0; k < w_batched.size; ++k) CHECK(w_batched[k] == Approx(p.w.curvature[k]).epsilon(1e-5));
  for (std::size_t k = 0; k < b_batched.size; ++k) CHECK(b_batched[k] == Approx(p.b.curvature[k]).epsilon(1e-5));
}

namespace {
struct Matrix {
  BOOST_HANA_DEFINE_STRUCT(Matrix, (Parameter<Shape<5, 6>, "a">, a));
};
struct Pair {
  BOOST_HANA_DEFINE_STRUCT(Pair, (Parameter<Shape<3, 6>, "a">, a), (Parameter<Shape<2, 6>, "b">, b));
};
}  // namespace

TEMPLATE_TEST_CASE("curvature: take, rows and columns route their slice", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Matrix p;
  auto taken = tanh(take<2>(p.a));
  check_curvature<TestType>(p, mse(taken, target<Shape<6>>()), taken, 17, mean_of_squares<6>());
  auto picked = tanh(rows<1, 3>(p.a));
  check_curvature<TestType>(p, mse(picked, target<Shape<3, 6>>()), picked, 18, mean_of_squares<18>());
  auto cut = tanh(columns<2, 3>(p.a));
  check_curvature<TestType>(p, mse(cut, target<Shape<5, 3>>()), cut, 19, mean_of_squares<15>());
}

TEMPLATE_TEST_CASE("curvature: transpose and concat route like the gradient", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Matrix m;
  auto flipped = tanh(transpose(m.a));
  check_curvature<TestType>(m, mse(flipped, target<Shape<6, 5>>()), flipped, 20, mean_of_squares<30>());
  Pair p;
  auto joined = tanh(concat(p.a, p.b));
  check_curvature<TestType>(p, mse(joined, target<Shape<5, 6>>()), joined, 21, mean_of_squares<30>());
}

TEMPLATE_TEST_CASE("curvature: subtract, scale, offset and sigmoid", "[curvature]", CTGRAD_KERNEL_PATHS) {
  Binary p;
  auto difference = tanh(p.a - p.b);
  check_curvature<TestType>(p, mse(difference, target<Shape<3, 5, 7>>()), difference, 22, mean_of_squares<105>());
  Unary u;
  auto scaled = tanh(-1.5f * u.a);
  check_curvature<TestType>(u, mse(scaled, target<Shape<3, 5, 7>>()), scaled, 23, mean_of_squares<105>());
  auto shifted = tanh(1.275f * u.a - 0.1f);
  check_curvature<TestType>(u, mse(shifted, target<Shape<3, 5, 7>>()), shifted, 60, mean_of_squares<105>());
  auto squashed = sigmoid(u.a);
  check_curvature<TestType>(u, mse(squashed, target<Shape<3, 5, 7>>()), squashed, 24, mean_of_squares<105>());
}
