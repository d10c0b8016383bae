// expect: matmul: inner extents differ: \[4,5\] x \[6,3\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<6, 3>, "w"> w;
  auto y = matmul(input<Shape<4, 5>>(), w);  // [4,5] x [6,3]
  (void)y;
}
