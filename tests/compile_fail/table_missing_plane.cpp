// expect: conv2d: the connection table names an input plane that does not exist: the input \[3,9,9\] has 3 planes
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
struct Table {  // plane 3 of a 3-plane input
  static constexpr std::array<std::array<std::size_t, 2>, 2> planes = {{{0, 1}, {1, 3}}};
};
int main() {
  Parameter<Shape<2, 2, 3, 3>, "w"> w;
  auto y = conv2d<1, Table>(input<Shape<3, 9, 9>>(), w);
  (void)y;
}
