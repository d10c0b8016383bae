// expect: op contract \(ops/op.hpp\): the op .twice. sets has_curvature_rule but has no curvature
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad;
// Declares a curvature rule it does not have: the graph must say so, not
// fail later inside the curvature pass (or never, where no pass runs).
template <class X>
struct Twice : OpBase {
  using shape = typename X::shape;
  using arguments = std::tuple<X>;
  static constexpr std::string_view op_name = "twice";
  static constexpr bool has_curvature_rule = true;
  arguments args;
  bool operator==(const Twice&) const = default;
  template <class K>
  void forward(const Tensor<shape>& x, Tensor<shape>& y, NoScratch&) const {
    K::template scale<shape::size>(2.f, x.data(), y.data());
  }
  template <class K, class DX>
  void backward(const Tensor<shape>&, const Tensor<shape>&, const Tensor<shape>& dy, DX dx, NoScratch&) const {
    if constexpr (wants_grad<DX>) K::template axpy<shape::size>(2.f, dy.data(), dx.data());
  }
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
