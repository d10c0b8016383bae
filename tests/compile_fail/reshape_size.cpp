// expect: reshape: the new shape holds a different number of elements: \[12,4,4\] to \[190\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  auto y = reshape<Shape<190>>(input<Shape<12, 4, 4>>());
  (void)y;
}
