// expect: attention: the number of heads does not divide the embedding width: 5 heads, width 12
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
int main() {
  Parameter<Shape<12, head_width<12, 5>()>, "wq"> wq;  // 5 heads of a 12-wide embedding
  (void)wq;
}
