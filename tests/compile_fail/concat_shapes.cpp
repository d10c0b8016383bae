// expect: concat: the operands must agree in every extent but the first: \[1,8\] and \[16,6\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<1, 8>, "class_token"> token;  // 8 features, the patches have 6
  auto tokens = concat(token, input<Shape<16, 6>>());
  (void)tokens;
}
