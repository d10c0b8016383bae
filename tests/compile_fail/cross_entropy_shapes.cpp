// expect: cross_entropy: logits and target shapes differ: \[10\] vs \[12\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  auto loss = cross_entropy(input<Shape<10>>(), target<Shape<12>>());
  (void)loss;
}
