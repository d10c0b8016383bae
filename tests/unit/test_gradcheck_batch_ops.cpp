// The 1989 ops in a batched graph (tests/support/batch_check.hpp), both kernel paths.
#include <boost/hana/define_struct.hpp>

#include "tests/support/batch_check.hpp"
#include "tests/support/kernel_paths.hpp"

using namespace ctgrad;
using ctgrad::testing::check_batch;
using ctgrad::testing::x;

namespace {

struct Unary {
  BOOST_HANA_DEFINE_STRUCT(Unary, (Parameter<Shape<3, 5, 7>, "a">, a));
};
struct VectorProduct {
  BOOST_HANA_DEFINE_STRUCT(VectorProduct, (Parameter<Shape<37, 10>, "w">, w));
};
struct MatrixProducts {
  BOOST_HANA_DEFINE_STRUCT(MatrixProducts, (Parameter<Shape<4, 19>, "a">, a), (Parameter<Shape<6, 21>, "b">, b));
};
struct Convolution {
  BOOST_HANA_DEFINE_STRUCT(Convolution, (Parameter<Shape<4, 3, 3, 3>, "w">, w));
};
struct ShiftedConvolution {  // the input gradient too: the shift is a parameter
  BOOST_HANA_DEFINE_STRUCT(ShiftedConvolution, (Parameter<Shape<3, 9, 9>, "a">, a),
                           (Parameter<Shape<4, 3, 3, 3>, "w">, w));
};
struct SparseTable {  // output plane o reads two of the three input planes
  static constexpr std::array<std::array<std::size_t, 2>, 4> planes = {{{0, 1}, {1, 2}, {0, 2}, {0, 1}}};
};
struct SparseConvolution {
  BOOST_HANA_DEFINE_STRUCT(SparseConvolution, (Parameter<Shape<4, 2, 5, 5>, "w">, w));
};

}  // namespace

TEMPLATE_TEST_CASE("batched: add, tanh, pad, flatten", "[gradcheck][batch]", CTGRAD_KERNEL_PATHS) {
  Unary p;
  check_batch<TestType>(p, mse(tanh(x<Shape<3, 5, 7>>() + p.a), target<Shape<3, 5, 7>>()), 101);
  check_batch<TestType>(p, mse(pad<2>(x<Shape<3, 5, 7>>() + p.a, -1.f), target<Shape<3, 9, 11>>()), 102);
  check_batch<TestType>(p, mse(tanh(flatten(x<Shape<3, 5, 7>>() + p.a)), target<Shape<105>>()), 103);
}


TEMPLATE_TEST_CASE("batched: matmul, vector by matrix and matrix by matrix, either side", "[gradcheck][batch]",
                   CTGRAD_KERNEL_PATHS) {
  VectorProduct v;
  check_batch<TestType>(v, mse(matmul(x<Shape<37>>(), v.w), target<Shape<10>>()), 104);
  MatrixProducts m;
  check_batch<TestType>(m, mse(tanh(matmul(m.a, x<Shape<19, 6>>())), target<Shape<4, 6>>()), 105);
  check_batch<TestType>(m, mse(matmul(x<Shape<5, 6>>(), m.b), target<Shape<5, 21>>()), 106);
}


TEMPLATE_TEST_CASE("batched: conv2d, full and with a table, stride 1 and 2", "[gradcheck][batch]", CTGRAD_KERNEL_PATHS) {
  Convolution c;
  check_batch<TestType>(c, mse(conv2d<2>(x<Shape<3, 9, 9>>(), c.w), target<Shape<4, 4, 4>>()), 107);
  check_batch<TestType>(c, mse(tanh(conv2d<1>(x<Shape<3, 6, 7>>(), c.w)), target<Shape<4, 4, 5>>()), 108);
  ShiftedConvolution shifted;
  check_batch<TestType>(shifted, mse(tanh(conv2d<2>(x<Shape<3, 9, 9>>() + shifted.a, shifted.w)), target<Shape<4, 4, 4>>()),
                        116);
  SparseConvolution s;
  check_batch<TestType>(s, mse(conv2d<2, SparseTable>(x<Shape<3, 11, 11>>(), s.w), target<Shape<4, 4, 4>>()), 109);
}

TEST_CASE("compile<K, Batch<1>> is the per-example graph", "[graph][batch]") {
  VectorProduct v;
  auto loss = mse(tanh(matmul(x<Shape<37>>(), v.w)), target<Shape<10>>());
  using One = decltype(compile<kernels::Simd, Batch<1>>(loss));
  STATIC_REQUIRE(std::is_same_v<One, Graph<decltype(loss), kernels::Simd>>);
  STATIC_REQUIRE(std::is_same_v<decltype(std::declval<One&>().template input<"x">()), Tensor<Shape<37>>&>);
  using Three = decltype(compile<kernels::Simd, Batch<3>>(loss));
  STATIC_REQUIRE(std::is_same_v<decltype(std::declval<Three&>().template input<"x">()), std::array<Tensor<Shape<37>>, 3>&>);
  STATIC_REQUIRE(std::is_same_v<decltype(std::declval<Three&>().template input<"x">(2)), Tensor<Shape<37>>&>);
}
