// expect: max_pool: the input must be \[planes, height, width\], not \[120\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  auto m = max_pool<2>(input<Shape<120>>());  // a flattened layer has no planes to pool
  (void)m;
}
