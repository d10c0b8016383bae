// expect: add: operand shapes differ: \[6,24,24\] \+ \[6\] \(one bias per plane: plane_bias\(x, b\)\)
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<6, 1, 5, 5>, "w"> w;
  Parameter<Shape<6>, "b"> b;
  auto y = conv2d<1>(input<Shape<1, 28, 28>>(), w) + b;
  (void)y;
}
