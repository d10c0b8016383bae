// expect: ONNX export: the op .mse. has no ONNX rule
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/onnx.hpp>
using namespace ctgrad;
struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params, (Parameter<Shape<4, 3>, "w">, w));
};
int main() {
  Params p;
  // The loss, not the network: a loss has no ONNX rule.
  auto loss = mse(tanh(matmul(input<Shape<4>>(), p.w)), target<Shape<3>>());
  onnx::save("loss.onnx", loss);
}
