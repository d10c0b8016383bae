// expect: multiply: operand shapes differ: \[4,8\] \* \[8,4\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<8, 4>, "gate"> gate;
  auto y = input<Shape<4, 8>>() * gate;
  (void)y;
}
