#pragma once
// Compile-time graph traversal. The expression is a tree of types in which a
// node used twice (the residual input of x + f(x)) appears twice; ordering the
// *distinct* node types children-first turns it into a DAG schedule where each
// node is computed once and, run backwards, receives gradient from all users.
#include <cstddef>
#include <tuple>
#include <type_traits>

#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

namespace ctgrad::graph {

namespace hana = boost::hana;

// The schedule is computed on a plain list of types with fold expressions
// over std::is_same (a compiler builtin) rather than with hana::contains /
// hana::append / hana::index_if: those instantiate a comparison object per
// element per query, and with the long node types of a transformer that was
// most of a training run's compile time. Only the finished schedule becomes a
// hana::tuple, for the loops over it.
template <class... Ts>
struct type_list {};

template <class N, class... Ts>
constexpr bool contains(type_list<Ts...>) {
  return (std::is_same_v<N, Ts> || ...);
}

// Two lists joined, declared only, for the folds in decltype below: a + b is
// a's types then b's, a ^ b is b's then a's (a right fold of ^ reverses).
template <class... As, class... Bs>
type_list<As..., Bs...> operator+(type_list<As...>, type_list<Bs...>);
template <class... As, class... Bs>
type_list<Bs..., As...> operator^(type_list<As...>, type_list<Bs...>);

// The types of a list for which Keep<T>::value holds, in order; and a list
// reversed. The loops over a graph's nodes expand these lists into one
// call per node: no function per node beyond the node's own forward and
// backward (docs/performance.md, "Build time").
template <template <class> class Keep, class... Ts>
auto filter(type_list<Ts...>)
    -> decltype((type_list<>{} + ... + std::conditional_t<Keep<Ts>::value, type_list<Ts>, type_list<>>{}));
template <template <class> class Keep, class List>
using filter_t = decltype(filter<Keep>(List{}));
template <class... Ts>
auto reverse(type_list<Ts...>) -> decltype((type_list<Ts>{} ^ ... ^ type_list<>{}));
template <class List>
using reverse_t = decltype(reverse(List{}));

inline constexpr std::size_t no_node = static_cast<std::size_t>(-1);

// Where N is in the list, or no_node.
template <class N, class... Ts>
constexpr std::size_t index_in(type_list<Ts...>) {
  std::size_t index = 0, found = no_node;
  ((std::is_same_v<N, Ts> && found == no_node ? (found = index, ++index) : ++index), ...);
  return found;
}

namespace topology_detail {

template <class Scheduled, class N, bool = contains<N>(Scheduled{})>
struct schedule {  // N is scheduled already
  using type = Scheduled;
};
template <class Scheduled, class Arguments>
struct schedule_all;
template <class Scheduled>
struct schedule_all<Scheduled, std::tuple<>> {
  using type = Scheduled;
};
template <class Scheduled, class C, class... Cs>
struct schedule_all<Scheduled, std::tuple<C, Cs...>> {
  using type = typename schedule_all<typename schedule<Scheduled, C>::type, std::tuple<Cs...>>::type;
};
template <class List, class N>
struct append;
template <class... Ts, class N>
struct append<type_list<Ts...>, N> {
  using type = type_list<Ts..., N>;
};
// Post-order depth-first walk: N's children first, then N.
template <class Scheduled, class N>
struct schedule<Scheduled, N, false> {
  using type = typename append<typename schedule_all<Scheduled, typename N::arguments>::type, N>::type;
};

template <class... Ts>
constexpr auto as_hana_tuple(type_list<Ts...>) {
  return hana::tuple_t<Ts...>;
}

}  // namespace topology_detail

// Every distinct node type below Root, every child before its users, root last.
template <class Root>
using schedule_t = typename topology_detail::schedule<type_list<>, Root>::type;

// The same as a hana::tuple of hana::type<Node>, for hana::for_each.
template <class Root>
constexpr auto topological_order = topology_detail::as_hana_tuple(schedule_t<Root>{});

// How many of N's arguments are C (0 for a leaf).
template <class C, class N>
constexpr std::size_t uses() {
  return []<class... As>(std::type_identity<std::tuple<As...>>) {
    return (std::size_t{std::is_same_v<As, C>} + ... + std::size_t{0});
  }(std::type_identity<typename N::arguments>{});
}

// The first node to write C's gradient: backward runs the schedule in
// reverse, so it is C's last consumer in the schedule (no_node for the root).
template <class C, class... Ts>
constexpr std::size_t first_writer(type_list<Ts...>) {
  const std::size_t counts[] = {uses<C, Ts>()..., 0};
  for (std::size_t i = sizeof...(Ts); i-- > 0;)
    if (counts[i] > 0) return i;
  return no_node;
}

}  // namespace ctgrad::graph
