// expect: mse: the label must be a target \(target<S>\(\)\), not the input `x` \[1,4,4\]
// A label of the image's shape written as input<S>() is the image itself (one
// node): the network would learn to copy its input.
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<1, 4, 4>, "b"> b;
  auto loss = mse(tanh(input<Shape<1, 4, 4>>() + b), input<Shape<1, 4, 4>>());
  (void)loss;
}
