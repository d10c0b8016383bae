// expect: transpose: the input must be a matrix \[rows, columns\], not \[2,3,4\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  auto y = transpose(input<Shape<2, 3, 4>>());
  (void)y;
}
