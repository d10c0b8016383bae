// expect: slice: the range runs past the end of the matrix: 8 columns from 12 of \[16,16\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  auto head = columns<12, 8>(input<Shape<16, 16>>());  // columns 12..19 of 16
  (void)head;
}
