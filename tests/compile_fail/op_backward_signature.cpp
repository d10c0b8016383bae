// expect: op contract \(ops/op.hpp\): the op .twice. has no forward<K>.* or backward<K>
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
// A backward without the input's gradient: the graph could never call it.
template <class X>
struct Twice : OpBase {
  using shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "twice";
  arguments args;
  bool operator==(const Twice&) const = default;
  template <class K>
  void forward(const Tensor<shape>& x, Tensor<shape>& y, NoScratch&) const {
    K::template scale<shape::size>(2.f, x.data(), y.data());
  }
  template <class K>
  void backward(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>&, NoScratch&) const {}
};
struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params, (Parameter<Shape<3>, "w">, w));
};
int main() {
  Params p;
  auto loss = mse(Twice<ParamLeaf<decltype(p.w)>>{{}, {as_expr(p.w)}}, target<Shape<3>>());
  auto graph = compile<kernels::Scalar>(loss);
  graph.forward();
}
