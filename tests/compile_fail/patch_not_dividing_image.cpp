// expect: patchify: the patch size does not divide the image: patch 3, image \[1,16,16\]
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  auto tokens = patchify<3>(input<Shape<1, 16, 16>>());  // 16 is not a multiple of 3
  (void)tokens;
}
