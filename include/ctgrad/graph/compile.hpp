#pragma once
// compile(expression) -> Graph: one object that owns every activation,
// gradient and scratch buffer as a member and runs forward and backward in an
// order fixed at compile time. No tape, no virtual call, no heap.
#include <stdexcept>
#include <string>
#include <tuple>

#include <boost/hana/at.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/reverse.hpp>
#include <boost/hana/unpack.hpp>

#include "ctgrad/graph/topology.hpp"
#include "ctgrad/kernels/kernels.hpp"
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

namespace graph {

struct Empty {};

// What the graph keeps for one node.
template <class N>
struct NodeState {
  static constexpr bool has_grad = requires_grad<N>();
  N node{};
  bool bound = false;
  Tensor<typename N::shape> value;
  [[no_unique_address]] std::conditional_t<has_grad, Tensor<typename N::shape>, Empty> grad;
  [[no_unique_address]] typename N::scratch scratch;
};
template <class P>
struct NodeState<ParamLeaf<P>> {  // value and grad live in the model's Parameter
  ParamLeaf<P> node{};
  bool bound = false;
};

template <class Nodes>
using states_t = typename decltype(hana::unpack(Nodes{}, [](auto... types) {
  return std::type_identity<std::tuple<NodeState<typename decltype(types)::type>...>>{};
}))::type;

}  // namespace graph

template <class Root, class K = kernels::Default>
class Graph {
 public:
  using root_type = Root;
  using kernels = K;
  static constexpr auto nodes = graph::topological_order<Root>;

  explicit Graph(const Root& root) { bind(root); }

  // ---- the schedule ---------------------------------------------------------
  void forward() {
    boost::hana::for_each(nodes, [&](auto type) {
      using N = typename decltype(type)::type;
      if constexpr (!is_leaf<N>) forward_node<N>();
    });
  }

  // Gradient of the scalar root into every node and Parameter::grad (accumulated:
  // the optimizer clears parameter gradients after its step). A node's
  // gradient is zero-filled only when its first writer adds to it; see
  // overwritten_by_first_writer.
  void backward() {
    static_assert(Root::shape::size == 1, "backward: the graph's root must be a scalar loss");
    boost::hana::for_each(nodes, [&](auto type) {
      using N = typename decltype(type)::type;
      if constexpr (!is_leaf<N> && requires_grad<N>() && !overwritten_by_first_writer<N>())
        state<N>().grad.fill(0.f);
    });
    if constexpr (requires_grad<Root>()) {
      state<Root>().grad[0] = 1.f;
      boost::hana::for_each(boost::hana::reverse(nodes), [&](auto type) {
        using N = typename decltype(type)::type;
        if constexpr (!is_leaf<N> && requires_grad<N>()) backward_node<N>();
      });
    }
  }

  // ---- access -----------------------------------------------------------------
  template <fixed_string Name>
  auto& input() {
    constexpr auto found = boost::hana::index_if(nodes, [](auto type) {
      using N = typename decltype(type)::type;
      if constexpr (is_input<N>::value)
        return boost::hana::bool_c<N::name == Name.view()>;
      else
        return boost::hana::false_c;
    });
    static_assert(!decltype(boost::hana::is_nothing(found))::value, "Graph::input: the graph has no input of that name");
    return std::get<std::remove_cvref_t<decltype(found.value())>::value>(states_).value;
  }
  // The value (or gradient) a sub-expression of the compiled one holds.
  template <class E>
  const Tensor<typename E::shape>& value(const E&) const { return value_of<E>(); }
  template <class E>
  const Tensor<typename E::shape>& grad(const E&) const {
    static_assert(requires_grad<E>() && !is_leaf<E>, "Graph::grad: that node has no gradient (no parameter below it)");
    return state<E>().grad;
  }
  float loss() const { return value_of<Root>()[0]; }

  // One node's forward or backward alone, in place in the schedule (the
  // per-layer benchmarks time these).
  template <class N>
  void forward_node() {
    auto& s = state<N>();
    [&]<class... Cs>(std::type_identity<std::tuple<Cs...>>) {
      s.node.template forward<K>(value_of<Cs>()..., s.value, s.scratch);
    }(std::type_identity<typename N::arguments>{});
  }
  template <class N>
  void backward_node() {
    auto& s = state<N>();
    [&]<class... Cs>(std::type_identity<std::tuple<Cs...>>) {
      s.node.template backward<K>(value_of<Cs>()..., s.value, s.grad, grad_sink<Cs, writes_first<N, Cs>()>()...,
                                  s.scratch);
    }(std::type_identity<typename N::arguments>{});
  }

  // Whether node C's gradient is set, not added to, by its first writer:
  // C is an intermediate node, its first writer reads it once (x + x adds
  // twice) and that op declares writes_input_grads. Decided at compile time
  // from the schedule, so no gradient is zero-filled only to be overwritten.
  template <class C>
  static constexpr bool overwritten_by_first_writer() {
    if constexpr (is_leaf<C>) {
      return false;
    } else {
      constexpr std::size_t writer = graph::first_writer<C>(nodes);
      if constexpr (writer == graph::no_node) {
        return false;
      } else {
        using W = typename std::remove_cvref_t<decltype(boost::hana::at_c<writer>(nodes))>::type;
        return graph::uses<C, W>() == 1 && W::writes_input_grads;
      }
    }
  }
  template <class N, class C>
  static constexpr bool writes_first() {
    if constexpr (overwritten_by_first_writer<C>())
      return graph::first_writer<C>(nodes) == graph::index_of(nodes, boost::hana::type_c<N>);
    else
      return false;
  }

  template <class N>
  auto& state() { return std::get<graph::index_of(nodes, boost::hana::type_c<N>)>(states_); }
  template <class N>
  const auto& state() const { return std::get<graph::index_of(nodes, boost::hana::type_c<N>)>(states_); }

 private:
  template <class N>
  const Tensor<typename N::shape>& value_of() const {
    if constexpr (is_param_leaf<N>::value)
      return state<N>().node.parameter->value;
    else
      return state<N>().value;
  }
  template <class N, bool Overwrite>
  auto grad_sink() {
    if constexpr (!requires_grad<N>())
      return NoGrad{};
    else if constexpr (is_param_leaf<N>::value)
      return GradOf<typename N::shape>{state<N>().node.parameter->grad};
    else
      return GradOf<typename N::shape, Overwrite>{state<N>().grad};
  }

  // Copies each node's run-time data (parameter pointers, pad values) into its
  // state. One type is one node, so every occurrence must hold the same data.
  template <class N>
  void bind(const N& node) {
    auto& s = state<N>();
    if (s.bound) {
      if (!(s.node == node))
        throw std::logic_error(std::string("ctgrad::compile: two different '") + std::string(N::op_name) +
                               "' nodes have the same type; give distinct parameters distinct names");
      return;
    }
    s.node = node;
    s.bound = true;
    std::apply([&](const auto&... children) { (bind(children), ...); }, node.args);
  }

  graph::states_t<std::remove_const_t<decltype(nodes)>> states_;
};

template <class K = kernels::Default, class Root>
Graph<Root, K> compile(const Root& root) {
  return Graph<Root, K>(root);
}

}  // namespace ctgrad
