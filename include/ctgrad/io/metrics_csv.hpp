#pragma once
// A run folder's metrics.csv, the one codec for it: the trainer writes it a
// row at a time, --resume reads it back, the report draws it.
//   pass,split,loss,error,misses,seconds
//   1,train,0.07312346,4.830247,352,1.118273
// `error` is in percent. Every number is written with
// metrics_csv_significant_digits significant digits, in the shorter of fixed
// and exponent form (printf's %g without trailing zeros), so reading a row
// gives its values rounded to that precision, and formatting the row read
// gives the same line again.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ctgrad/io/error.hpp"

namespace ctgrad::io {

struct MetricsRow {
  int pass = 0;        // 0: before any training (--steps 0)
  std::string split;   // "train", "test", ...
  double loss = 0;     // mean over the split
  double error_percent = 0;
  std::size_t misses = 0;
  double seconds = 0;  // since training started
  friend bool operator==(const MetricsRow&, const MetricsRow&) = default;
};

inline constexpr std::string_view metrics_csv_header = "pass,split,loss,error,misses,seconds";
// Seven digits: a float's precision, which is what the losses are computed in.
inline constexpr int metrics_csv_significant_digits = 7;

namespace metrics_detail {

inline void append_number(std::string& line, double value) {
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, metrics_csv_significant_digits);
  line.append(buffer, result.ptr);
}

inline void append_number(std::string& line, std::size_t value) {
  char buffer[32];
  line.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

// At most 60 characters of `text`, quoted, for a one-line message.
inline std::string quoted(std::string_view text) {
  constexpr std::size_t shown = 60;
  return "\"" + std::string(text.substr(0, shown)) + (text.size() > shown ? "...\"" : "\"");
}

template <class Number>
bool parse_whole(std::string_view field, Number& value) {
  const char* end = field.data() + field.size();
  const std::from_chars_result result = std::from_chars(field.data(), end, value);
  return result.ec == std::errc{} && result.ptr == end;
}

}  // namespace metrics_detail

// One data line, newline included. A split name the file could not hold (a
// comma or line break in it) is a programming error.
inline std::string format_metrics_row(const MetricsRow& row) {
  if (row.split.empty() || row.split.find_first_of(",\r\n") != std::string::npos)
    throw std::invalid_argument("format_metrics_row: expected a split name without commas or line breaks, found " +
                                metrics_detail::quoted(row.split));
  using metrics_detail::append_number;
  std::string line = std::to_string(row.pass) + ',' + row.split + ',';
  append_number(line, row.loss);
  line += ',';
  append_number(line, row.error_percent);
  line += ',';
  append_number(line, row.misses);
  line += ',';
  append_number(line, row.seconds);
  return line + '\n';
}

// The rows of a metrics.csv's text; `file` names it in messages:
// "<file>: line <n>: expected ..., found ...". The header must come first;
// blank lines and CRLF line ends are accepted (a file edited by hand). A
// loss may be inf or nan (an evaluation that overflowed is still a record);
// a second row for one pass and split is refused, since a curve could not
// say which one to draw.
inline std::vector<MetricsRow> parse_metrics_csv(std::string_view text, const std::filesystem::path& file) {
  using metrics_detail::parse_whole;
  using metrics_detail::quoted;
  auto fail_at = [&](std::size_t line, const std::string& what) {
    fail(file, "line " + std::to_string(line) + ": " + what);
  };
  const std::string header(metrics_csv_header);
  if (text.empty()) fail_at(1, "expected the header " + header + ", found an empty file");
  std::vector<MetricsRow> rows;
  std::map<std::pair<int, std::string>, std::size_t> line_of_row;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_number == 1) {
      if (line != metrics_csv_header) fail_at(1, "expected the header " + header + ", found " + quoted(line));
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
      fail_at(line_number, "expected 6 comma-separated fields (" + header + "), found " +
                               std::to_string(fields.size()) + " in " + quoted(line));

    MetricsRow row;
    auto number = [&](std::size_t index, const char* name, auto& value, const char* expected, auto valid) {
      if (!parse_whole(fields[index], value) || !valid(value))
        fail_at(line_number, std::string("expected ") + name + " to be " + expected + ", found " + quoted(fields[index]));
    };
    number(0, "pass", row.pass, "a non-negative integer", [](int value) { return value >= 0; });
    if (fields[1].empty()) fail_at(line_number, "expected a split name (train, test, ...), found an empty field");
    row.split = std::string(fields[1]);
    number(2, "loss", row.loss, "a number", [](double) { return true; });
    number(3, "error", row.error_percent, "a percentage in [0, 100]",
           [](double value) { return value >= 0 && value <= 100; });
    number(4, "misses", row.misses, "a non-negative integer", [](std::size_t) { return true; });
    number(5, "seconds", row.seconds, "a non-negative number",
           [](double value) { return std::isfinite(value) && value >= 0; });

    const auto [first, inserted] = line_of_row.try_emplace({row.pass, row.split}, line_number);
    if (!inserted)
      fail_at(line_number, "expected one row per pass and split, found a second row for pass " +
                               std::to_string(row.pass) + ", split " + row.split + " (the first is on line " +
                               std::to_string(first->second) + ")");
    rows.push_back(std::move(row));
  }
  return rows;
}

// The whole text of a file, or an io::Error naming it.
inline std::string read_metrics_text(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream || std::filesystem::is_directory(file))
    fail(file, "expected a readable metrics file (" + std::string(metrics_csv_header) + "), found none");
  std::string text{std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
  if (stream.bad()) fail(file, "expected a readable metrics file, found a read error");
  return text;
}

inline std::vector<MetricsRow> read_metrics_csv(const std::filesystem::path& file) {
  return parse_metrics_csv(read_metrics_text(file), file);
}

}  // namespace ctgrad::io
