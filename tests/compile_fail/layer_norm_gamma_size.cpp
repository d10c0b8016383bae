// expect: layer_norm: gamma must be a vector \[features\] as long as the input rows: gamma \[6\], input \[4,8\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<6>, "gamma"> gamma;  // the rows have 8 features
  Parameter<Shape<8>, "beta"> beta;
  auto y = layer_norm(input<Shape<4, 8>>(), gamma, beta);
  (void)y;
}
