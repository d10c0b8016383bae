// expect: attention: k and v have different token counts: k \[5,8\], v \[6,3\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  auto y = attention(input<Shape<4, 8>, "q">(), input<Shape<5, 8>, "k">(), input<Shape<6, 3>, "v">());
  (void)y;
}
