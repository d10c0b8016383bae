#pragma once
// The diagonal Gauss-Newton ("curvature") pass of a compiled graph: LeCun
// 1989's "positive, diagonal approximation of the Hessian" (Becker and LeCun
// 1988; stochastic diagonal Levenberg-Marquardt in LeCun et al. 1998), derived
// from the same forward expression as the gradient.
//
// After graph.forward(), pass.run() walks the nodes in reverse, as backward
// does, and propagates a curvature c (an estimate of d2E/dv2 for every value
// v) from the loss down:
//   - at the loss, its second derivative in the prediction (ops/mse.hpp:
//     2/n for a mean of squares; ops/cross_entropy.hpp: p (1 - p));
//   - through an activation y = f(x): c_x = f'(x)^2 c_y (f'' dropped, so
//     every estimate stays non-negative);
//   - through a weighted sum y_i = sum_j w_ij x_j: c_x_j = sum_i w_ij^2 c_y_i
//     and c_w_ij = c_y_i x_j^2 (cross terms between units dropped); a shared
//     weight sums over its connections;
//   - add, pad, reshape: routed like the gradient.
// Each op states its rule in curvature(), next to its backward; a node used
// twice gets the sum over its users. Parameter curvatures are *added* to
// Parameter::curvature, so run() over N examples with loss_scale 1/N
// averages the estimate; zero it first (zero_curvature, nn/parameters.hpp).
//
// The pass is an object of its own beside the graph, holding a curvature
// tensor only for nodes with a parameter below them and each op's
// curvature_scratch (squared operands); a graph that never asks for
// curvature carries none of it. No heap: the buffers are members.
//
// curvature_pass(graph) is where a missing rule is reported: its first error
// line is "curvature pass: the op 'relu' has no curvature rule ...".
#include <array>
#include <tuple>

#include <boost/hana/reverse.hpp>
#include <boost/hana/unpack.hpp>

#include "ctgrad/graph/access.hpp"
#include "ctgrad/graph/compile.hpp"

namespace ctgrad {

namespace graph {

// A node the pass runs through: an op with a parameter below it.
template <class N>
constexpr bool in_curvature_pass() {
  if constexpr (is_leaf<N>)
    return false;
  else
    return requires_grad<N>();
}

// Holds, or names the first node (from the loss down) whose op has no rule.
template <class... Nodes>
constexpr auto curvature_rule_of(std::type_identity<std::tuple<Nodes...>>) {
  return lacking_rule<"curvature pass: the op {} has no curvature rule (declare curvature() and has_curvature_rule "
                      "next to its backward)",
                      true,
                      std::array<bool, sizeof...(Nodes)>{(in_curvature_pass<Nodes>() && !Nodes::has_curvature_rule)...},
                      Nodes...>();
}

template <class N, std::size_t B>
struct CurvatureState {
  static constexpr bool has_curvature = in_curvature_pass<N>();
  [[no_unique_address]] std::conditional_t<has_curvature, std::array<Tensor<typename N::shape>, B>, Empty> curvature;
  [[no_unique_address]] std::conditional_t<has_curvature, std::array<typename N::curvature_scratch, B>, Empty> scratch;
};

}  // namespace graph

template <class G>
constexpr auto curvature_rule() {
  return graph::curvature_rule_of(boost::hana::unpack(G::nodes, [](auto... types) {
    return std::type_identity<std::tuple<typename decltype(types)::type...>>{};
  }));
}

template <class G>
class CurvaturePass {
  static_assert(checked<curvature_rule<G>()>);
  using K = typename G::kernels;
  static constexpr std::size_t B = G::batch;
  using Root = typename G::root_type;

 public:
  explicit CurvaturePass(G& graph) : graph_(graph) {}

  // The curvature of loss_scale times the sum of the examples' losses (the
  // batch's mean by default, as backward), from the values of the last
  // forward(), added to every Parameter::curvature below the loss.
  void run() { run(1.f / static_cast<float>(B)); }
  void run(float loss_scale) {
    static_assert(Root::shape::size == 1, "curvature pass: the graph's root must be a scalar loss");
    if constexpr (graph::in_curvature_pass<Root>()) {
      using passed = graph::filter_t<in_pass, typename G::node_list>;
      [&]<class... Ns>(graph::type_list<Ns...>) {
        (graph::zero_examples(state<Ns>().curvature), ...);
      }(passed{});
      for (auto& example : state<Root>().curvature) example[0] = loss_scale;
      [&]<class... Ns>(graph::type_list<Ns...>) {
        (run_node<Ns>(), ...);
      }(graph::reverse_t<passed>{});
    }
  }

  // The curvature a sub-expression holds after run(), for one example.
  template <class E>
  const Tensor<typename E::shape>& curvature(const E&, std::size_t example = 0) const {
    static_assert(graph::in_curvature_pass<E>(), "CurvaturePass::curvature: that node has no parameter below it");
    return graph::slot_at<index<E>()>(states_).curvature[example];
  }

 private:
  template <class N>
  struct in_pass : std::bool_constant<graph::in_curvature_pass<N>()> {};
  template <class N>
  static constexpr std::size_t index() { return graph::index_in<N>(typename G::node_list{}); }
  template <class N>
  auto& state() { return graph::slot_at<index<N>()>(states_); }

  template <class N>
  const Tensor<typename N::shape>& value_of(std::size_t b) const {
    return graph::Access::value_of<N>(graph_, b);
  }
  template <class N>
  auto sink(std::size_t b) {
    if constexpr (!requires_grad<N>())
      return NoGrad{};
    else if constexpr (is_param_leaf<N>::value)
      return CurvatureOf<typename N::shape>{graph::Access::state<N>(graph_).node.parameter->curvature};
    else
      return CurvatureOf<typename N::shape>{state<N>().curvature[b]};
  }
  template <class N>
  void run_node() {
    auto& s = graph::Access::state<N>(graph_);
    auto& c = state<N>();
    [&]<class... Cs>(std::type_identity<std::tuple<Cs...>>) {
      for (std::size_t b = 0; b < B; ++b)
        s.node.template curvature<K>(value_of<Cs>(b)..., s.value[b], c.curvature[b], sink<Cs>(b)..., s.scratch[b],
                                     c.scratch[b]);
    }(std::type_identity<typename N::arguments>{});
  }

  using States = typename graph::slots_of<graph::CurvatureState, typename G::node_list, B>::type;
  G& graph_;
  States states_{};
};

// curvature_pass(graph): the pass over that graph (which it refers to: keep
// the graph alive). An op without a curvature rule: this call is the error.
template <class G>
  requires rule_holds<curvature_rule<G>()>
CurvaturePass<G> curvature_pass(G& graph) {
  return CurvaturePass<G>(graph);
}
template <class G>
auto curvature_pass(G&) -> shape_error<rule_message<curvature_rule<G>()>>;

}  // namespace ctgrad
