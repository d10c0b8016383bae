// expect: attention: q and k have different feature sizes: q \[4,8\], k \[5,7\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  auto y = attention(input<Shape<4, 8>, "q">(), input<Shape<5, 7>, "k">(), input<Shape<5, 3>, "v">());
  (void)y;
}
