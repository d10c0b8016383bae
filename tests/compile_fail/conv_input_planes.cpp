// expect: conv2d: input planes differ
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<4, 2, 3, 3>, "w"> w;  // reads 2 planes, the input has 3
  auto y = conv2d<1>(input<Shape<3, 9, 9>>(), w);
  (void)y;
}
