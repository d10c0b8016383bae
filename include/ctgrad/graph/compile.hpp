#pragma once
// compile(expression) -> Graph: one object that owns every activation,
// gradient and scratch buffer as a member and runs forward and backward in an
// order fixed at compile time. No tape, no virtual call, no heap.
//
// Batches. The expression describes one example (its shapes, its shape
// checks); compile<K, Batch<B>>(expression) adds the batch axis: every node
// that is not a parameter holds B examples (an array of B tensors, each
// aligned and padded like a lone one), parameters stay shared, and the loss
// of the batch is the mean of the examples' losses (PyTorch's convention, so
// a learning rate means the same as there). A parameter's gradient is the
// gradient of that mean: the sum over the examples, in example order, of each
// example's gradient scaled by 1/B. Each node runs for the whole batch before
// the next (node-major), so an op may take the batch at once: if it declares
// forward_batch / backward_batch (same arguments as forward / backward, with
// arrays of B tensors for the batched operands; has_forward_batch,
// has_backward_batch), the graph calls those, and otherwise the op's
// per-example forward / backward once per example. B = 1 is exactly the
// per-example graph. Every node is checked against the op contract
// (ops/op.hpp) when its graph is compiled.
#include <array>
#include <stdexcept>
#include <string>
#include <tuple>

#include <boost/hana/at.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/reverse.hpp>
#include <boost/hana/unpack.hpp>

#include "ctgrad/graph/slots.hpp"
#include "ctgrad/graph/topology.hpp"
#include "ctgrad/kernels/kernels.hpp"
#include "ctgrad/ops/expr.hpp"
#include "ctgrad/ops/op.hpp"

namespace ctgrad {

namespace graph {

struct Empty {};
struct Access;  // graph/access.hpp

// What the graph keeps for one node: B examples of its value, gradient and
// scratch (a dropout mask, say, is kept from forward for backward).
template <class N, std::size_t B>
struct NodeState {
  static constexpr bool has_grad = requires_grad<N>();
  N node{};
  bool bound = false;
  std::array<Tensor<typename N::shape>, B> value;
  [[no_unique_address]] std::conditional_t<has_grad, std::array<Tensor<typename N::shape>, B>, Empty> grad;
  [[no_unique_address]] std::array<typename N::scratch, B> scratch;
};
template <class P, std::size_t B>
struct NodeState<ParamLeaf<P>, B> {  // value and grad live in the model's Parameter
  ParamLeaf<P> node{};
  bool bound = false;
};

// slots<State<N, B>...> for the nodes N of a type_list: a compiled graph's
// node states, or a pass's over the same graph (graph/curvature.hpp). A
// trait, not a lambda in decltype: Clang 14 crashes reading such a lambda
// back from a precompiled header.
template <template <class, std::size_t> class State, class NodeList, std::size_t B>
struct slots_of;
template <template <class, std::size_t> class State, class... Ns, std::size_t B>
struct slots_of<State, type_list<Ns...>, B> {
  using type = slots<State<Ns, B>...>;
};
template <class NodeList, std::size_t B>
using states_t = typename slots_of<NodeState, NodeList, B>::type;

}  // namespace graph

// The batch extent of a compiled graph: compile<K, Batch<32>>(loss).
template <std::size_t B>
struct Batch {
  static_assert(B >= 1, "Batch: a batch holds at least one example");
  static constexpr std::size_t size = B;
};

namespace graph {
// Zeroes a node's examples (its gradients, its curvature): one function per
// array type, not per node.
template <class Examples>
void zero_examples(Examples& examples) {
  for (auto& example : examples) example.fill(0.f);
}

template <class N, fixed_string Name>
constexpr bool named_input() {
  if constexpr (is_input<N>::value)
    return N::name == Name.view();
  else
    return false;
}
}  // namespace graph

template <class Root, class K = kernels::Default, std::size_t B = 1>
class Graph {
  static_assert(checked<input_names_rule(inputs_below<Root>{})>);
  static_assert(checked<op_contract_rule<K>(graph::schedule_t<Root>{})>);

 public:
  using root_type = Root;
  using kernels = K;
  static constexpr std::size_t batch = B;
  using node_list = graph::schedule_t<Root>;
  static constexpr auto nodes = graph::topological_order<Root>;
  // One example's tensor of shape S, or all B of them.
  template <class S>
  using examples = std::array<Tensor<S>, B>;

  // The constructor, forward() and backward(float) are defined below the
  // class, not inside it: a program that instantiates a model's graph once
  // (`template class Graph<...>;` in one file) can then declare it `extern
  // template` everywhere else, and those files skip the graph's whole
  // schedule (functions defined in the class would still be compiled there,
  // for inlining).
  explicit Graph(const Root& root);

  // ---- the schedule ---------------------------------------------------------
  void forward();

  // Gradient of the loss (the batch's mean) into every node and
  // Parameter::grad (accumulated: the optimizer clears parameter gradients
  // after its step). A node's gradient is zero-filled only when its first
  // writer adds to it; see overwritten_by_first_writer.
  void backward() { backward(1.f / static_cast<float>(B)); }
  // The gradient of loss_scale times the sum of the examples' losses: a
  // batch split over several graphs passes 1 / (the whole batch's size), so
  // the graphs' parameter gradients add up to the gradient of its mean.
  void backward(float loss_scale);

  // ---- access -----------------------------------------------------------------
  // An input's tensor: with B = 1 the example itself, otherwise all B
  // (input<"x">()[b] is example b; input<"x">(b) too, for any B).
  template <fixed_string Name>
  auto& input() {
    if constexpr (B == 1)
      return input_state<Name>().value[0];
    else
      return input_state<Name>().value;
  }
  template <fixed_string Name>
  auto& input(std::size_t example) {
    return input_state<Name>().value[example];
  }
  // The value (or gradient) a sub-expression of the compiled one holds, for
  // one example (the only one when B = 1).
  template <class E>
  const Tensor<typename E::shape>& value(const E&, std::size_t example = 0) const { return value_of<E>(example); }
  template <class E>
  const Tensor<typename E::shape>& grad(const E&, std::size_t example = 0) const {
    static_assert(requires_grad<E>() && !is_leaf<E>, "Graph::grad: that node has no gradient (no parameter below it)");
    return state<E>().grad[example];
  }
  // The loss of the batch (the mean over its examples), and of one example.
  float loss() const {
    if constexpr (B == 1) {
      return value_of<Root>(0)[0];
    } else {
      float sum = 0;
      for (const auto& example : state<Root>().value) sum += example[0];
      return sum / static_cast<float>(B);
    }
  }
  float loss(std::size_t example) const { return value_of<Root>(example)[0]; }

  // One node's forward or backward alone, in place in the schedule (the
  // per-layer benchmarks time these): the whole batch, at once if the op
  // takes batches, else one example after the other.
  template <class N>
  void forward_node() {
    forward_node<N>(static_cast<typename N::arguments*>(nullptr));
  }
  template <class N>
  void backward_node() {
    backward_node<N>(static_cast<typename N::arguments*>(nullptr));
  }

  // The rule that the graph has an input of that name (input<"x">(graph)'s).
  template <fixed_string Name>
  static constexpr auto input_rule() {
    if constexpr (input_index<Name>() == graph::no_node)
      return broken<"Graph::input: the graph has no input named {}", quoted<Name>>;
    else
      return holds;
  }

 private:
  friend struct graph::Access;  // graph/access.hpp: passes over the graph, and tests

  // forward_node and backward_node with N's children as a pack (from the
  // type of the null pointer to its arguments' tuple): what the loops call,
  // one function per node and direction.
  template <class N, class... Cs>
  void forward_node(std::tuple<Cs...>*) {
    auto& s = state<N>();
    if constexpr (B > 1 && N::has_forward_batch)
      s.node.template forward_batch<K>(batch_value_of<Cs>()..., s.value, s.scratch);
    else
      for (std::size_t b = 0; b < B; ++b) s.node.template forward<K>(value_of<Cs>(b)..., s.value[b], s.scratch[b]);
  }
  template <class N, class... Cs>
  void backward_node(std::tuple<Cs...>*) {
    auto& s = state<N>();
    if constexpr (B > 1 && N::has_backward_batch)
      s.node.template backward_batch<K>(batch_value_of<Cs>()..., s.value, s.grad,
                                        batch_grad_sink<Cs, writes_first<N, Cs>()>()..., s.scratch);
    else
      for (std::size_t b = 0; b < B; ++b)
        s.node.template backward<K>(value_of<Cs>(b)..., s.value[b], s.grad[b],
                                    grad_sink<Cs, writes_first<N, Cs>()>(b)..., s.scratch[b]);
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
      constexpr std::size_t writer = graph::first_writer<C>(node_list{});
      if constexpr (writer == graph::no_node) {
        return false;
      } else {
        using W = typename std::remove_cvref_t<decltype(boost::hana::at_c<writer>(nodes))>::type;
        return graph::uses<C, W>() == 1 && W::writes_input_grads;
      }
    }
  }
  // Which nodes forward(), backward()'s zeroing and backward() visit.
  template <class N>
  struct runs_forward : std::bool_constant<!is_leaf<N>> {};
  template <class N>
  struct zeroed_before_backward
      : std::bool_constant<!is_leaf<N> && requires_grad<N>() && !overwritten_by_first_writer<N>()> {};
  template <class N>
  struct runs_backward : std::bool_constant<!is_leaf<N> && requires_grad<N>()> {};

  template <class N, class C>
  static constexpr bool writes_first() {
    if constexpr (overwritten_by_first_writer<C>())
      return graph::first_writer<C>(node_list{}) == graph::index_in<N>(node_list{});
    else
      return false;
  }

  template <class N>
  auto& state() { return graph::slot_at<graph::index_in<N>(node_list{})>(states_); }
  template <class N>
  const auto& state() const { return graph::slot_at<graph::index_in<N>(node_list{})>(states_); }

  // Where the input of that name is in the schedule (graph::no_node if it
  // has none), and the rule that it exists.
  template <fixed_string Name>
  static constexpr std::size_t input_index() {
    return []<class... Ns>(graph::type_list<Ns...>) {
      std::size_t index = 0, found = graph::no_node;
      ((graph::named_input<Ns, Name>() && found == graph::no_node ? (found = index, ++index) : ++index), ...);
      return found;
    }(node_list{});
  }
  template <fixed_string Name>
  auto& input_state() {
    static_assert(checked<input_rule<Name>()>);
    return graph::slot_at<input_index<Name>()>(states_);
  }

  // Example b's value of node N (a parameter's is shared by all examples).
  template <class N>
  const Tensor<typename N::shape>& value_of(std::size_t b) const {
    if constexpr (is_param_leaf<N>::value)
      return state<N>().node.parameter->value;
    else
      return state<N>().value[b];
  }
  // The whole batch's values of N: the array of B, or a parameter's one tensor.
  template <class N>
  const auto& batch_value_of() const {
    if constexpr (is_param_leaf<N>::value)
      return state<N>().node.parameter->value;
    else
      return state<N>().value;
  }
  template <class N, bool Overwrite>
  auto grad_sink(std::size_t b) {
    if constexpr (!requires_grad<N>())
      return NoGrad{};
    else if constexpr (is_param_leaf<N>::value)
      return GradOf<typename N::shape>{state<N>().node.parameter->grad};
    else
      return GradOf<typename N::shape, Overwrite>{state<N>().grad[b]};
  }
  // The whole batch's gradient sink of N: a parameter's one GradOf (the
  // batch's gradients are summed into it), else an array of B.
  template <class N, bool Overwrite>
  auto batch_grad_sink() {
    if constexpr (!requires_grad<N>() || is_param_leaf<N>::value) {
      return grad_sink<N, Overwrite>(0);
    } else {
      return [&]<std::size_t... b>(std::index_sequence<b...>) {
        return std::array<GradOf<typename N::shape, Overwrite>, B>{
            GradOf<typename N::shape, Overwrite>{state<N>().grad[b]}...};
      }(std::make_index_sequence<B>{});
    }
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
    // The children by index rather than through std::apply, whose layers of
    // forwarding functions every node's type would instantiate again.
    [&]<std::size_t... child>(std::index_sequence<child...>) {
      (bind(std::get<child>(node.args)), ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(node.args)>>{});
  }

  graph::states_t<node_list, B> states_;
};

template <class Root, class K, std::size_t B>
Graph<Root, K, B>::Graph(const Root& root) {
  bind(root);
}

template <class Root, class K, std::size_t B>
void Graph<Root, K, B>::forward() {
  [&]<class... Ns>(graph::type_list<Ns...>) {
    (forward_node<Ns>(static_cast<typename Ns::arguments*>(nullptr)), ...);
  }(graph::filter_t<runs_forward, node_list>{});
}

template <class Root, class K, std::size_t B>
void Graph<Root, K, B>::backward(float loss_scale) {
  static_assert(Root::shape::size == 1, "backward: the graph's root must be a scalar loss");
  [&]<class... Ns>(graph::type_list<Ns...>) {
    (graph::zero_examples(state<Ns>().grad), ...);
  }(graph::filter_t<zeroed_before_backward, node_list>{});
  if constexpr (requires_grad<Root>()) {
    for (auto& example : state<Root>().grad) example[0] = loss_scale;
    [&]<class... Ns>(graph::type_list<Ns...>) {
      (backward_node<Ns>(static_cast<typename Ns::arguments*>(nullptr)), ...);
    }(graph::reverse_t<graph::filter_t<runs_backward, node_list>>{});
  }
}

// What compile() checks of an expression: its inputs' names, then its nodes'
// op contract.
template <class K, class Root>
constexpr auto compile_rule() {
  constexpr auto names = input_names_rule(inputs_below<Root>{});
  if constexpr (!rule_holds<names>)
    return names;
  else
    return op_contract_rule<K>(graph::schedule_t<Root>{});
}

template <class T>
struct is_batch : std::false_type {};
template <std::size_t B>
struct is_batch<Batch<B>> : std::true_type {};

// compile<K>(loss): one example; compile<K, Batch<B>>(loss): B examples.
template <class K = kernels::Default, class BatchExtent = Batch<1>, class Root>
  requires rule_holds<compile_rule<K, Root>()>
Graph<Root, K, BatchExtent::size> compile(const Root& root) {
  static_assert(is_batch<BatchExtent>::value, "compile: the second template argument must be a ctgrad::Batch<B>");
  return Graph<Root, K, BatchExtent::size>(root);
}
// Two different inputs of one name, or a node that breaks the op contract:
// this call is the error (core/shape_rule.hpp).
template <class K = kernels::Default, class BatchExtent = Batch<1>, class Root>
auto compile(const Root&) -> shape_error<rule_message<compile_rule<K, Root>()>>;

// input<"x">(graph): the graph's input "x" to fill before forward(), as
// graph.input<"x">() without the `.template` that needs inside a template;
// target(graph) is its target; input<"x">(graph, b) and target(graph, b) are
// example b's. A name the graph lacks is an error at the caller's line
// (core/shape_rule.hpp).
template <fixed_string Name, class G>
  requires rule_holds<G::template input_rule<Name>()>
auto& input(G& graph) {
  return graph.template input<Name>();
}
template <fixed_string Name, class G>
  requires rule_holds<G::template input_rule<Name>()>
auto& input(G& graph, std::size_t example) {
  return graph.template input<Name>(example);
}
template <fixed_string Name, class G>
auto input(G&) -> shape_error<rule_message<G::template input_rule<Name>()>>;
template <fixed_string Name, class G>
auto input(G&, std::size_t) -> shape_error<rule_message<G::template input_rule<Name>()>>;

template <fixed_string Name = "target", class G>
  requires rule_holds<G::template input_rule<Name>()>
auto& target(G& graph) {
  return graph.template input<Name>();
}
template <fixed_string Name = "target", class G>
  requires rule_holds<G::template input_rule<Name>()>
auto& target(G& graph, std::size_t example) {
  return graph.template input<Name>(example);
}
template <fixed_string Name = "target", class G>
auto target(G&) -> shape_error<rule_message<G::template input_rule<Name>()>>;
template <fixed_string Name = "target", class G>
auto target(G&, std::size_t) -> shape_error<rule_message<G::template input_rule<Name>()>>;

}  // namespace ctgrad
