#pragma once
// slots<T0, T1, ...>: one member of each type, reached by position, as a
// tuple, but a plain aggregate. A compiled graph keeps one state per node of
// its schedule in one; std::tuple would do the same job at a high compile
// cost: its constructors are constrained on is_constructible over every
// element, re-checked for every tail of the list, and a node's type names
// its whole subexpression (in a LeNet-5 training run, the largest entries of
// clang's -ftime-trace: docs/performance.md, "Build time").
#include <cstddef>
#include <utility>

namespace ctgrad::graph {

template <std::size_t I, class T>
struct slot {
  T value{};
};

template <class Indices, class... Ts>
struct slots_base;
template <std::size_t... I, class... Ts>
struct slots_base<std::index_sequence<I...>, Ts...> : slot<I, Ts>... {};

template <class... Ts>
struct slots : slots_base<std::index_sequence_for<Ts...>, Ts...> {};

// The member at position I: T is deduced from the one base slot<I, T>.
template <std::size_t I, class T>
constexpr T& slot_at(slot<I, T>& s) {
  return s.value;
}
template <std::size_t I, class T>
constexpr const T& slot_at(const slot<I, T>& s) {
  return s.value;
}

}  // namespace ctgrad::graph
