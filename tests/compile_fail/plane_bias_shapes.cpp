// expect: plane_bias: the bias must be a vector \[planes\], one per plane of the input: bias \[5\], input \[6,24,24\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<6, 1, 5, 5>, "w"> w;
  Parameter<Shape<5>, "b"> b;  // one short of the 6 planes
  auto y = plane_bias(conv2d<1>(input<Shape<1, 28, 28>>(), w), b);
  (void)y;
}
