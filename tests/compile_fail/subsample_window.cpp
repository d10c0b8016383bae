// expect: subsample: the window does not divide the planes: window 2, input \[6,5,5\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<6>, "coefficient"> coefficient;
  auto s = subsample<2>(input<Shape<6, 5, 5>>(), coefficient);  // 5 is odd
  (void)s;
}
