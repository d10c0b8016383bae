// expect: two different inputs share the name `x`: input \[4\] and input \[1,3\]
// Without a loss, compile() checks the names itself.
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<4, 3>, "w"> w;
  auto graph = compile(matmul(input<Shape<4>>(), w) + reshape<Shape<3>>(input<Shape<1, 3>>()));
  (void)graph;
}
