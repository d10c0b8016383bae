// expect: softmax: the input needs an axis to normalise over, not \[\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  auto y = softmax(mse(input<Shape<3>>(), target<Shape<3>>()));
  (void)y;
}
