#pragma once
// The op contract as a concept: what every node of a forward expression
// offers, checked for each node where a graph is compiled (Graph), so that a
// node missing a part, or declaring one with the wrong signature, is an
// error naming the node and the part instead of a silently skipped overload.
//
// A node (ops/expr.hpp's OpBase gives the defaults) has
//   shape, arguments, args            its output shape, its children
//   op_name, operator==               its name, and equality of run-time data
//   scratch                           what forward leaves for backward
//   forward<K>(inputs..., y, scratch)
//   backward<K>(inputs..., y, dy, input grads..., scratch)
// and, optionally, each declared by a flag so that the graph never falls
// back silently:
//   has_curvature_rule:   curvature<K>(inputs..., y, cy, input curvatures..., scratch, curvature_scratch)
//   has_forward_batch:    forward_batch<K>(batched inputs..., ys, scratches)
//   has_backward_batch:   backward_batch<K>(batched inputs..., ys, dys, batched input grads..., scratches)
// where a batched operand is std::array<Tensor<S>, B>, except a parameter's
// one shared tensor (and its one gradient). The reference op, with every
// part: ops/matmul.hpp. A new activation needs none of this: a rule of
// kernels/activations.hpp and ops/activation.hpp's node.
#include <array>
#include <concepts>
#include <string_view>
#include <tuple>
#include <utility>

#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

namespace op_check {
// Two examples, for the batched forms.
inline constexpr std::size_t batch = 2;

// What the graph hands a node for its child C: one example, or the batch.
template <class C>
using value = const Tensor<typename C::shape>&;
template <class C>
using grad = GradOf<typename C::shape>;
template <class C>
using batch_value = std::conditional_t<is_param_leaf<C>::value, const Tensor<typename C::shape>&,
                                       const std::array<Tensor<typename C::shape>, batch>&>;
template <class C>
using batch_grad = std::conditional_t<is_param_leaf<C>::value, GradOf<typename C::shape>,
                                      std::array<GradOf<typename C::shape>, batch>>;

template <class N, class K, class... Cs>
concept runs = requires(const N& node, Tensor<typename N::shape>& y, typename N::scratch& scratch) {
  node.template forward<K>(std::declval<value<Cs>>()..., y, scratch);
  node.template backward<K>(std::declval<value<Cs>>()..., std::as_const(y), std::as_const(y),
                            std::declval<grad<Cs>>()..., scratch);
};
template <class N, class K, class... Cs>
concept curvature = requires(const N& node, const Tensor<typename N::shape>& y, typename N::scratch& scratch,
                             typename N::curvature_scratch& work) {
  node.template curvature<K>(std::declval<value<Cs>>()..., y, y, std::declval<grad<Cs>>()..., scratch, work);
};
template <class N, class K, class... Cs>
concept forward_batch = requires(const N& node, std::array<Tensor<typename N::shape>, batch>& y,
                                 std::array<typename N::scratch, batch>& scratch) {
  node.template forward_batch<K>(std::declval<batch_value<Cs>>()..., y, scratch);
};
template <class N, class K, class... Cs>
concept backward_batch = requires(const N& node, const std::array<Tensor<typename N::shape>, batch>& y,
                                  std::array<typename N::scratch, batch>& scratch) {
  node.template backward_batch<K>(std::declval<batch_value<Cs>>()..., y, y, std::declval<batch_grad<Cs>>()...,
                                  scratch);
};

template <class N, class K, class Arguments>
struct parts;
template <class N, class K, class... Cs>
struct parts<N, K, std::tuple<Cs...>> {
  static constexpr bool run = runs<N, K, Cs...>;
  static constexpr bool curvature_rule = !N::has_curvature_rule || curvature<N, K, Cs...>;
  static constexpr bool forward_batch_form = !N::has_forward_batch || forward_batch<N, K, Cs...>;
  static constexpr bool backward_batch_form = !N::has_backward_batch || backward_batch<N, K, Cs...>;
};
}  // namespace op_check

// The members every node has (OpBase gives the defaults).
template <class N>
concept Node = Expression<N> && std::equality_comparable<N> && requires {
  { N::op_name } -> std::convertible_to<std::string_view>;
  typename N::scratch;
  typename N::curvature_scratch;
  { N::writes_input_grads } -> std::convertible_to<bool>;
  { N::has_curvature_rule } -> std::convertible_to<bool>;
  { N::has_forward_batch } -> std::convertible_to<bool>;
  { N::has_backward_batch } -> std::convertible_to<bool>;
};

namespace op_check {
// What a node lacks: nothing, a member every node has, forward/backward, or
// a declared optional part.
enum class Lack { nothing, members, run, curvature, forward_batch, backward_batch };
template <class N, class K>
constexpr Lack lack() {
  if constexpr (!Node<N>) {
    return Lack::members;
  } else if constexpr (is_leaf<N>) {
    return Lack::nothing;
  } else {
    using p = parts<N, K, typename N::arguments>;
    if constexpr (!p::run) return Lack::run;
    else if constexpr (!p::curvature_rule) return Lack::curvature;
    else if constexpr (!p::forward_batch_form) return Lack::forward_batch;
    else if constexpr (!p::backward_batch_form) return Lack::backward_batch;
    else return Lack::nothing;
  }
}
}  // namespace op_check

// N is a node a graph over kernel path K can run: a leaf (an input or a
// parameter), or an op whose forward and backward take its children's values
// and gradients, and whose declared optional parts have their signatures.
template <class N, class K>
concept Op = op_check::lack<N, K>() == op_check::Lack::nothing;

namespace op_check {
template <class N, Lack L>
constexpr auto lack_verdict() {
  if constexpr (L == Lack::members)
    return broken<"op contract (ops/op.hpp): a node lacks a member every node has (derive it from OpBase; give it "
                  "shape, arguments, op_name and operator==)">;
  else if constexpr (L == Lack::run)
    return broken<"op contract (ops/op.hpp): the op {} has no forward<K>(inputs..., y, scratch) or "
                  "backward<K>(inputs..., y, dy, input grads..., scratch) a graph can call",
                  quoted<op_name_text<N>::value>>;
  else if constexpr (L == Lack::curvature)
    return broken<"op contract (ops/op.hpp): the op {} sets has_curvature_rule but has no "
                  "curvature<K>(inputs..., y, cy, input curvatures..., scratch, curvature_scratch)",
                  quoted<op_name_text<N>::value>>;
  else if constexpr (L == Lack::forward_batch)
    return broken<"op contract (ops/op.hpp): the op {} sets has_forward_batch but has no "
                  "forward_batch<K>(batched inputs..., ys, scratches)",
                  quoted<op_name_text<N>::value>>;
  else
    return broken<"op contract (ops/op.hpp): the op {} sets has_backward_batch but has no "
                  "backward_batch<K>(batched inputs..., ys, dys, batched input grads..., scratches)",
                  quoted<op_name_text<N>::value>>;
}
}  // namespace op_check

// The rule a graph's nodes keep: holds, or names the first node (in the
// schedule's order) that breaks the op contract, and what it lacks. Graph
// asserts it; compile() makes a broken one the error at the caller's line.
template <class K, template <class...> class List, class... Ns>
constexpr auto op_contract_rule(List<Ns...>) {
  constexpr std::array<op_check::Lack, sizeof...(Ns)> lacks{op_check::lack<Ns, K>()...};
  constexpr std::array<bool, sizeof...(Ns)> lacking{(op_check::lack<Ns, K>() != op_check::Lack::nothing)...};
  constexpr std::size_t first = first_flagged(lacking);
  if constexpr (first == sizeof...(Ns))
    return holds;
  else
    return op_check::lack_verdict<std::tuple_element_t<first, std::tuple<Ns...>>, lacks[first]>();
}

}  // namespace ctgrad
