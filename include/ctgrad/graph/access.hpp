#pragma once
// graph::Access: the way into a compiled graph's node states, for passes
// over a graph (graph/curvature.hpp) and for tests that inspect or poison
// what a node holds. Models and programs use Graph's public members.
#include <cstddef>

#include "ctgrad/graph/compile.hpp"

namespace ctgrad::graph {

struct Access {
  // Node N's state: its node, and B examples of its value, gradient and scratch.
  template <class N, class G>
  static auto& state(G& graph) {
    return graph.template state<N>();
  }
  // Example b's value of node N (a parameter's is shared by all examples).
  template <class N, class G>
  static const auto& value_of(const G& graph, std::size_t b) {
    return graph.template value_of<N>(b);
  }
  // Whether node C's gradient is set, not added to, by its first writer,
  // and whether N is that writer (Graph's schedule decides at compile time).
  template <class G, class C>
  static constexpr bool overwritten_by_first_writer() {
    return G::template overwritten_by_first_writer<C>();
  }
  template <class G, class N, class C>
  static constexpr bool writes_first() {
    return G::template writes_first<N, C>();
  }
};

}  // namespace ctgrad::graph
