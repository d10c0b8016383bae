// expect: conv2d: the connection table has 2 output planes, the weight \[3,2,3,3\] has 3
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
struct Table {
  static constexpr std::array<std::array<std::size_t, 2>, 2> planes = {{{0, 1}, {1, 2}}};
};
int main() {
  Parameter<Shape<3, 2, 3, 3>, "w"> w;  // 3 output planes, the table has 2
  auto y = conv2d<1, Table>(input<Shape<3, 9, 9>>(), w);
  (void)y;
}
