#pragma once
// The model summary, read off the compiled graph: one row per node, and the
// totals LeCun 1989 reports (parameters, connections, units) plus MACs.
#include <array>
#include <iomanip>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>

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

// One row of the summary: a node as constants, read off its type.
struct SummaryRow {
  std::string_view label;  // the op, or a parameter's or an input's name
  std::span<const std::size_t> dims;
  std::size_t parameters = 0;
  std::size_t connections = 0;
  std::size_t macs = 0;
};

// G's rows, one per node in schedule order: computed while compiling, so
// that the printing below is one function for every graph.
template <class G>
constexpr auto summary_rows() {
  std::array<SummaryRow, decltype(boost::hana::length(G::nodes))::value> rows{};
  std::size_t index = 0;
  boost::hana::for_each(G::nodes, [&](auto type) {
    using N = typename decltype(type)::type;
    SummaryRow& row = rows[index++];
    row.label = N::op_name;
    if constexpr (is_param_leaf<N>::value) {
      row.label = N::parameter_type::name;
      row.parameters = N::shape::size;
    } else if constexpr (is_input<N>::value) {
      row.label = N::name;
    }
    row.dims = N::shape::dims;
    row.connections = N::connections;
    row.macs = N::macs;
  });
  return rows;
}

// The table of `rows`, then the totals.
inline void print_summary(std::ostream& out, std::span<const SummaryRow> rows, const GraphTotals& totals) {
  out << std::left << std::setw(5) << "node" << std::setw(11) << "op" << std::setw(16) << "output" << std::right
      << std::setw(11) << "parameters" << std::setw(13) << "connections" << std::setw(9) << "MACs" << '\n';
  std::size_t index = 0;
  for (const SummaryRow& row : rows) {
    out << std::left << std::setw(5) << index++ << std::setw(11) << std::string(row.label) << std::setw(16)
        << shape_text(row.dims)
        << std::right << std::setw(11) << thousands(row.parameters) << std::setw(13) << thousands(row.connections)
        << std::setw(9) << thousands(row.macs) << '\n';
  }
  out << "parameters " << thousands(totals.parameters) << ", connections " << thousands(totals.connections)
      << ", units " << thousands(totals.units) << ", MACs per example " << thousands(totals.macs) << '\n';
}

template <class G>
void print_summary(std::ostream& out) {
  static constexpr auto rows = summary_rows<G>();
  static constexpr GraphTotals totals = graph_totals<G>();
  print_summary(out, rows, totals);
}

}  // namespace ctgrad
