#pragma once
// The run folder's metrics.csv: one row per pass and split,
//   pass,split,loss,error,misses,seconds
//   1,train,0.0731,4.83,352,1.12
// with `error` in percent. format_metrics_csv and parse_metrics_csv are
// inverse: numbers are written in the shortest form that reads back exactly.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ctgrad/io/error.hpp"

namespace ctgrad::report {

struct MetricRow {
  int pass = 0;
  std::string split;  // "train", "test", ...
  double loss = 0;
  double error_percent = 0;
  std::size_t misses = 0;
  double seconds = 0;
  friend bool operator==(const MetricRow&, const MetricRow&) = default;
};

inline constexpr std::string_view metrics_csv_header = "pass,split,loss,error,misses,seconds";

namespace metrics_detail {

template <class Number>
void append_number(std::string& out, Number value) {
  char buffer[64];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

// At most 60 characters of `text`, quoted, for a one-line message.
inline std::string quoted(std::string_view text) {
  constexpr std::size_t shown = 60;
  return "\"" + std::string(text.substr(0, shown)) + (text.size() > shown ? "...\"" : "\"");
}

[[noreturn]] inline void fail_at(const std::filesystem::path& file, std::size_t line, const std::string& what) {
  throw io::Error(file.string() + ":" + std::to_string(line) + ": " + what);
}

template <class Number>
bool parse_whole(std::string_view field, Number& value) {
  const char* end = field.data() + field.size();
  const std::from_chars_result result = std::from_chars(field.data(), end, value);
  return result.ec == std::errc{} && result.ptr == end;
}

}  // namespace metrics_detail

// One data line, newline included.
inline std::string format_metrics_row(const MetricRow& row) {
  if (row.split.empty() || row.split.find_first_of(",\r\n") != std::string::npos)
    throw std::invalid_argument("format_metrics_row: expected a split name without commas or line breaks, found " +
                                metrics_detail::quoted(row.split));
  std::string line;
  metrics_detail::append_number(line, row.pass);
  line += ',' + row.split + ',';
  metrics_detail::append_number(line, row.loss);
  line += ',';
  metrics_detail::append_number(line, row.error_percent);
  line += ',';
  metrics_detail::append_number(line, row.misses);
  line += ',';
  metrics_detail::append_number(line, row.seconds);
  return line + '\n';
}

inline std::string format_metrics_csv(std::span<const MetricRow> rows) {
  std::string text = std::string(metrics_csv_header) + '\n';
  for (const MetricRow& row : rows) text += format_metrics_row(row);
  return text;
}

// `file` names the source in messages: "<file>:<line>: expected ..., found ...".
// Blank lines are skipped; a second row for the same pass and split is an
// error, since the curves would not say which one to draw.
inline std::vector<MetricRow> parse_metrics_csv(std::string_view text, const std::filesystem::path& file) {
  using metrics_detail::fail_at;
  using metrics_detail::parse_whole;
  using metrics_detail::quoted;
  std::vector<MetricRow> rows;
  std::map<std::pair<int, std::string>, std::size_t> first_line_of;
  std::size_t line_number = 0;
  bool header_seen = false;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!header_seen) {
      if (line != metrics_csv_header)
        fail_at(file, line_number, "expected the header " + std::string(metrics_csv_header) + ", found " + quoted(line));
      header_seen = true;
      continue;
    }
    if (line.empty()) continue;

    std::vector<std::string_view> fields;
    for (std::size_t start = 0;;) {
      const std::size_t comma = line.find(',', start);
      fields.push_back(line.substr(start, comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (fields.size() != 6)
      fail_at(file, line_number,
              "expected 6 comma-separated fields (" + std::string(metrics_csv_header) + "), found " +
                  std::to_string(fields.size()) + " in " + quoted(line));

    MetricRow row;
    auto number_field = [&](std::size_t index, const char* name, auto& value, const char* expected, auto valid) {
      if (!parse_whole(fields[index], value) || !valid(value))
        fail_at(file, line_number,
                std::string("expected ") + name + " to be " + expected + ", found " + quoted(fields[index]));
    };
    auto any = [](auto) { return true; };
    auto non_negative = [](double value) { return std::isfinite(value) && value >= 0; };
    number_field(0, "pass", row.pass, "a non-negative integer", [](int value) { return value >= 0; });
    if (fields[1].empty()) fail_at(file, line_number, "expected a split name (train, test, ...), found an empty field");
    row.split = std::string(fields[1]);
    number_field(2, "loss", row.loss, "a finite number", [](double value) { return std::isfinite(value); });
    number_field(3, "error", row.error_percent, "a percentage in [0, 100]",
                 [](double value) { return value >= 0 && value <= 100; });
    number_field(4, "misses", row.misses, "a non-negative integer", any);
    number_field(5, "seconds", row.seconds, "a non-negative number", non_negative);

    const auto [where, inserted] = first_line_of.try_emplace({row.pass, row.split}, line_number);
    if (!inserted)
      fail_at(file, line_number,
              "expected one row per pass and split, found a second row for pass " + std::to_string(row.pass) +
                  ", split " + row.split + " (the first is on line " + std::to_string(where->second) + ")");
    rows.push_back(std::move(row));
  }
  if (!header_seen) fail_at(file, 1, "expected the header " + std::string(metrics_csv_header) + ", found an empty file");
  return rows;
}

inline std::vector<MetricRow> read_metrics_csv(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream || std::filesystem::is_directory(file)) io::fail(file, "expected a readable metrics file (" + std::string(metrics_csv_header) + "), found none");
  const std::string text{std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
  if (stream.bad()) io::fail(file, "expected a readable metrics file, found a read error");
  return parse_metrics_csv(text, file);
}

}  // namespace ctgrad::report
