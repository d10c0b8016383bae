// expect: matmul: inner extents differ: \[192\] x \[190,30\]
// LeNet-1 (lenet1/model.hpp's shape) with H3's weight mistyped as
// Shape<190, 30>: the first error names the rule and both shapes, and no line
// of the output quotes the network's type (check.cmake limits line length).
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;

struct H2Connections {
  static constexpr std::array<std::array<std::size_t, 8>, 12> planes = {{
      {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
      {4, 5, 6, 7, 8, 9, 10, 11}, {4, 5, 6, 7, 8, 9, 10, 11}, {4, 5, 6, 7, 8, 9, 10, 11}, {4, 5, 6, 7, 8, 9, 10, 11},
      {0, 1, 2, 3, 8, 9, 10, 11}, {0, 1, 2, 3, 8, 9, 10, 11}, {0, 1, 2, 3, 8, 9, 10, 11}, {0, 1, 2, 3, 8, 9, 10, 11},
  }};
};
struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params, (Parameter<Shape<12, 1, 5, 5>, "H1w">, H1w), (Parameter<Shape<12, 8, 8>, "H1b">, H1b),
                           (Parameter<Shape<12, 8, 5, 5>, "H2w">, H2w), (Parameter<Shape<12, 4, 4>, "H2b">, H2b),
                           (Parameter<Shape<190, 30>, "H3w">, H3w),  // the mistake: 192 inputs
                           (Parameter<Shape<30>, "H3b">, H3b), (Parameter<Shape<30, 10>, "outw">, outw),
                           (Parameter<Shape<10>, "outb">, outb));
};
struct Classic {
  static constexpr bool relu = false;
};

template <class Variant = Classic>
auto network(Params& p) {
  auto activation = [](auto&& x) {
    if constexpr (Variant::relu)
      return relu(x);
    else
      return tanh(x);
  };
  auto x = input<Shape<1, 16, 16>>();
  auto h1 = activation(conv2d<2>(pad<2>(x, -1.f), p.H1w) + p.H1b);
  auto h2 = activation(conv2d<2, H2Connections>(pad<2>(h1, -1.f), p.H2w) + p.H2b);
  auto h3 = activation(matmul(flatten(h2), p.H3w) + p.H3b);
  return tanh(matmul(h3, p.outw) + p.outb);
}

template <class Variant = Classic>
auto training_loss(Params& p) {
  return mse(network<Variant>(p), target<Shape<10>>());
}

int main() {
  auto p = std::make_unique<Params>();
  auto graph = std::make_unique<Graph<decltype(training_loss(*p)), kernels::Simd>>(training_loss(*p));
  graph->forward();
}
