// expect: conv2d: input planes differ: the weight \[4,2,3,3\] reads 2 planes per output plane, the connection table lists 3 \(a full convolution reads all planes of the input \[3,9,9\]\)
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<4, 2, 3, 3>, "w"> w;  // reads 2 planes, the input has 3
  auto y = conv2d<1>(input<Shape<3, 9, 9>>(), w);
  (void)y;
}
