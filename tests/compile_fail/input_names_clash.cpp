// expect: two different inputs share the name `x`: input \[1,16,16\] and input \[10\]
// A label written as input<S>() instead of target<S>(): it is a second input
// "x", which graph.input<"x">() would never fill.
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<256, 10>, "w"> w;
  auto loss = mse(tanh(matmul(flatten(input<Shape<1, 16, 16>>()), w)), input<Shape<10>>());
  (void)loss;
}
