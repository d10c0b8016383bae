// expect: mse: the label `target` \[10\] is also an input of the prediction
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<10>, "b"> b;
  auto label = target<Shape<10>>();
  auto loss = mse(tanh(label + b), label);
  (void)loss;
}
