#pragma once
// The model summary, read off the compiled graph: one row per node, and the
// totals LeCun 1989 reports (parameters, connections, units) plus MACs.
#include <iomanip>
#include <ostream>
#include <string>

#include <boost/hana/for_each.hpp>

#include "ctgrad/graph/compile.hpp"

namespace ctgrad {

struct GraphTotals {
  std::size_t parameters = 0;   // distinct trainable scalars
  std::size_t connections = 0;  // weights and biases met by one forward (shared weights count per use)
  std::size_t units = 0;        // input pixels + biased neurons
  std::size_t macs = 0;         // multiply-adds of one forward pass
};

template <class G>
constexpr GraphTotals graph_totals() {
  GraphTotals totals;
  boost::hana::for_each(G::nodes, [&](auto type) {
    using N = typename decltype(type)::type;
    if constexpr (is_param_leaf<N>::value) totals.parameters += N::shape::size;
    if constexpr (is_input<N>::value) {
      if (!N::is_target) totals.units += N::shape::size;
    }
    totals.connections += N::connections;
    totals.units += N::units;
    totals.macs += N::macs;
  });
  return totals;
}

inline std::string thousands(std::size_t number) {
  const std::string digits = std::to_string(number);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped;
}

template <class G>
void print_summary(std::ostream& out) {
  out << std::left << std::setw(5) << "node" << std::setw(11) << "op" << std::setw(16) << "output" << std::right
      << std::setw(11) << "parameters" << std::setw(13) << "connections" << std::setw(9) << "MACs" << '\n';
  std::size_t index = 0;
  boost::hana::for_each(G::nodes, [&](auto type) {
    using N = typename decltype(type)::type;
    std::string label(N::op_name);
    std::size_t parameters = 0;
    if constexpr (is_param_leaf<N>::value) {
      label = std::string(N::parameter_type::name);
      parameters = N::shape::size;
    } else if constexpr (is_input<N>::value) {
      label = std::string(N::name);
    }
    out << std::left << std::setw(5) << index++ << std::setw(11) << label << std::setw(16) << N::shape::str()
        << std::right << std::setw(11) << thousands(parameters) << std::setw(13) << thousands(N::connections)
        << std::setw(9) << thousands(N::macs) << '\n';
  });
  constexpr GraphTotals totals = graph_totals<G>();
  out << "parameters " << thousands(totals.parameters) << ", connections " << thousands(totals.connections)
      << ", units " << thousands(totals.units) << ", MACs per example " << thousands(totals.macs) << '\n';
}

}  // namespace ctgrad
