// expect: Graph::input: the graph has no input named `image`
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<4>, "b"> b;
  auto graph = compile<kernels::Scalar>(mse(tanh(input<Shape<4>>() + b), target<Shape<4>>()));
  input<"image">(graph).fill(0.f);
}
