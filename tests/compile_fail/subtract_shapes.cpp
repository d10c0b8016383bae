// expect: subtract: operand shapes differ: \[10\] - \[1,10\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  auto y = input<Shape<10>>() - input<Shape<1, 10>, "mean">();
  (void)y;
}
