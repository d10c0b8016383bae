// expect: subsample: the coefficient must be a vector \[planes\], one per plane of the input: coefficient \[16\], input \[6,28,28\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<16>, "coefficient"> coefficient;  // C3's planes, not C1's
  auto s = subsample<2>(input<Shape<6, 28, 28>>(), coefficient);
  (void)s;
}
