// expect: cross_entropy: the label must be a target \(target<S>\(\)\), not the input `label` \[10\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<16, 10>, "w"> w;
  auto loss = cross_entropy(matmul(input<Shape<16>>(), w), input<Shape<10>, "label">());
  (void)loss;
}
