// expect: add: operand shapes differ: \[12,8,8\] \+ \[12,4,4\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<12, 4, 4>, "b"> bias;  // H2's bias added to H1's output
  auto y = input<Shape<12, 8, 8>>() + bias;
  (void)y;
}
