#pragma once
// Compile-time graph traversal. The expression is a tree of types in which a
// node used twice (the residual input of x + f(x)) appears twice; ordering the
// *distinct* node types children-first turns it into a DAG schedule where each
// node is computed once and, run backwards, receives gradient from all users.
#include <tuple>
#include <type_traits>

#include <boost/hana/append.hpp>
#include <boost/hana/contains.hpp>
#include <boost/hana/equal.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/index_if.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

namespace ctgrad::graph {

namespace hana = boost::hana;

template <class N>
constexpr auto child_types() {
  return []<class... Cs>(std::type_identity<std::tuple<Cs...>>) {
    return hana::tuple_t<Cs...>;
  }(std::type_identity<typename N::arguments>{});
}

// Post-order depth-first walk that skips types already scheduled.
template <class Scheduled, class N>
constexpr auto schedule(Scheduled scheduled, hana::basic_type<N> node) {
  if constexpr (decltype(hana::contains(scheduled, node))::value) {
    return scheduled;
  } else {
    auto with_children = hana::fold_left(child_types<N>(), scheduled,
                                         [](auto so_far, auto child) { return schedule(so_far, child); });
    return hana::append(with_children, hana::type_c<N>);
  }
}

// hana::tuple of hana::type<Node>, every child before its users, root last.
template <class Root>
constexpr auto topological_order = schedule(hana::tuple<>{}, hana::type_c<Root>);

template <class Nodes, class N>
constexpr std::size_t index_of(Nodes nodes, hana::basic_type<N>) {
  return std::remove_cvref_t<decltype(hana::index_if(nodes, hana::equal.to(hana::type_c<N>)).value())>::value;
}

// How many of N's arguments are C (0 for a leaf).
template <class C, class N>
constexpr std::size_t uses() {
  return []<class... As>(std::type_identity<std::tuple<As...>>) {
    return (std::size_t{std::is_same_v<As, C>} + ... + std::size_t{0});
  }(std::type_identity<typename N::arguments>{});
}

inline constexpr std::size_t no_node = static_cast<std::size_t>(-1);

// The first node to write C's gradient: backward runs the schedule in
// reverse, so it is C's last consumer in the schedule (no_node for the root).
template <class C, class Nodes>
constexpr std::size_t first_writer(Nodes nodes) {
  return hana::unpack(nodes, [](auto... types) {
    const std::size_t counts[] = {uses<C, typename decltype(types)::type>()...};
    for (std::size_t i = sizeof...(types); i-- > 0;)
      if (counts[i] > 0) return i;
    return no_node;
  });
}

}  // namespace ctgrad::graph
