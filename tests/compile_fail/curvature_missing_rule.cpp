// expect: curvature pass: the op .softmax. has no curvature rule
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params, (Parameter<Shape<4, 3>, "w">, w));
};
int main() {
  Params p;
  auto loss = mse(tanh(softmax(matmul(input<Shape<2, 4>>(), p.w))), target<Shape<2, 3>>());
  auto graph = compile<kernels::Scalar>(loss);
  graph.forward();
  auto pass = curvature_pass(graph);
  pass.run();
}
