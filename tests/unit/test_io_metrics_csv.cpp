// metrics.csv: the codec's round trip at its stated precision, its messages
// for corrupt files, and the run folder that writes and resumes it.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "ctgrad/io/metrics_csv.hpp"
#include "ctgrad/train/run_folder.hpp"
#include "tests/support/temp_folder.hpp"
#include "tests/support/io_error.hpp"

namespace {

using namespace ctgrad::testing;

using ctgrad::io::MetricsRow;
using ctgrad::io::format_metrics_row;
using ctgrad::io::parse_metrics_csv;
using Catch::Matchers::Contains;

const std::string header = "pass,split,loss,error,misses,seconds\n";

std::string file_text(const std::vector<MetricsRow>& rows) {
  std::string text = header;
  for (const MetricsRow& row : rows) text += format_metrics_row(row);
  return text;
}

ctgrad::train::PassResult pass_result(int pass) {
  ctgrad::train::PassResult result;
  result.pass = pass;
  result.train = {0.25 / pass, static_cast<std::size_t>(400 / pass), 7291};
  result.test = {0.5 / pass, static_cast<std::size_t>(200 / pass), 2007};
  result.seconds = 1.5 * pass;
  return result;
}

}  // namespace

TEST_CASE("a row is written in the documented form", "[io]") {
  CHECK(format_metrics_row({1, "train", 0.0731234567, 4.8302467, 352, 1.1182734}) ==
        "1,train,0.07312346,4.830247,352,1.118273\n");
  CHECK(format_metrics_row({0, "test", 1e-17, 0, 0, 0}) == "0,test,1e-17,0,0,0\n");
  CHECK(format_metrics_row({23, "test", 2.5e-3, 100, 2007, 123456.789}) == "23,test,0.0025,100,2007,123456.8\n");
  CHECK_THROWS_AS(format_metrics_row({1, "a,b", 0, 0, 0, 0}), std::invalid_argument);
  CHECK_THROWS_AS(format_metrics_row({1, "", 0, 0, 0, 0}), std::invalid_argument);
}

TEST_CASE("rows round-trip: values to 7 significant digits, the text exactly", "[io]") {
  std::mt19937 rng(13);
  std::uniform_real_distribution<double> loss(1e-6, 3), error(0, 100), seconds(0, 1e5);
  std::vector<MetricsRow> rows;
  for (int pass = 0; pass <= 200; ++pass)
    for (const char* split : {"train", "test"})
      rows.push_back({pass, split, loss(rng), error(rng), static_cast<std::size_t>(rng() % 60000), seconds(rng)});
  rows.push_back({201, "test", std::numeric_limits<double>::infinity(), 100, 2007, 0});
  const std::string text = file_text(rows);
  const std::vector<MetricsRow> read = parse_metrics_csv(text, "metrics.csv");
  REQUIRE(read.size() == rows.size());
  auto close = [](double written, double read_back) {
    // 7 significant digits: within half a unit of the 7th digit.
    return written == read_back || std::abs(read_back - written) <= 0.5e-6 * std::abs(written);
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i << ": " << format_metrics_row(rows[i]));
    CHECK(read[i].pass == rows[i].pass);
    CHECK(read[i].split == rows[i].split);
    CHECK(close(rows[i].loss, read[i].loss));
    CHECK(close(rows[i].error_percent, read[i].error_percent));
    CHECK(read[i].misses == rows[i].misses);
    CHECK(close(rows[i].seconds, read[i].seconds));
  }
  // Written again, what was read is the same text: a resumed run's kept rows
  // are byte for byte those of an uninterrupted run.
  CHECK(file_text(read) == text);
  // Values with at most 7 digits come back exactly.
  const std::vector<MetricsRow> short_values = {{1, "train", 0.0731, 4.83, 352, 1.12}, {1, "test", 0.25, 5, 100, 2}};
  CHECK(parse_metrics_csv(file_text(short_values), "metrics.csv") == short_values);
}

TEST_CASE("hand-edited files: CRLF, a blank line, no final newline, a header alone", "[io]") {
  const auto rows = parse_metrics_csv(
      "pass,split,loss,error,misses,seconds\r\n1,train,0.5,4.83,352,1.25\r\n\r\n2,test,2.5e-1,5,100,2", "m.csv");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == MetricsRow{1, "train", 0.5, 4.83, 352, 1.25});
  CHECK(rows[1] == MetricsRow{2, "test", 0.25, 5.0, 100, 2.0});
  CHECK(parse_metrics_csv(header, "m.csv").empty());
}

TEST_CASE("a corrupt metrics.csv names the file, the line, what was expected and what was found", "[io]") {
  const std::string good = "1,train,0.5,4.8,352,1.2\n";
  auto message = [](const std::string& text) {
    return io_error_message([&] { parse_metrics_csv(text, "runs/a/metrics.csv"); });
  };
  CHECK(message(header + good + "2,train,0.5,4.8,352\n") ==
        "runs/a/metrics.csv: line 3: expected 6 comma-separated fields (pass,split,loss,error,misses,seconds), found "
        "5 in \"2,train,0.5,4.8,352\"");
  CHECK(message(header + good + "1,test,0.5,4.8,3,1\n" + "x,test,0.5,4.8,3,1\n") ==
        "runs/a/metrics.csv: line 4: expected pass to be a non-negative integer, found \"x\"");
  CHECK(message(header + "-1,test,0.5,4.8,3,1\n") ==
        "runs/a/metrics.csv: line 2: expected pass to be a non-negative integer, found \"-1\"");
  CHECK(message(header + "1,test,0.5,4.8%,3,1\n") ==
        "runs/a/metrics.csv: line 2: expected error to be a percentage in [0, 100], found \"4.8%\"");
  CHECK_THAT(message(header + "1,test,0.5,101,3,1\n"), Contains("line 2: expected error to be a percentage"));
  CHECK_THAT(message(header + "1,test,zero,1,3,1\n"), Contains("line 2: expected loss to be a number, found \"zero\""));
  CHECK_THAT(message(header + "1,test,0.5,1,-3,1\n"), Contains("line 2: expected misses to be a non-negative integer"));
  CHECK_THAT(message(header + "1,test,0.5,1,3, 1\n"), Contains("line 2: expected seconds to be a non-negative number"));
  CHECK_THAT(message(header + "1,test,0.5,1,3,inf\n"), Contains("line 2: expected seconds"));
  CHECK_THAT(message(header + "1,,0.5,1,3,1\n"), Contains("line 2: expected a split name"));
  CHECK_THAT(message(header + good + "1,train,0.4,4,300,2\n"),
             Contains("line 3: expected one row per pass and split, found a second row for pass 1, split train (the "
                      "first is on line 2)"));
  CHECK(message("pass,split,loss,error\n" + good) ==
        "runs/a/metrics.csv: line 1: expected the header pass,split,loss,error,misses,seconds, found "
        "\"pass,split,loss,error\"");
  CHECK(message("") ==
        "runs/a/metrics.csv: line 1: expected the header pass,split,loss,error,misses,seconds, found an empty file");
  CHECK_THAT(message(header + std::string(200, 'x') + "\n"), Contains("found 1 in \"xxxx") && Contains("...\""));
  CHECK_THAT(io_error_message([] { ctgrad::io::read_metrics_csv("/nonexistent/metrics.csv"); }),
             Contains("/nonexistent/metrics.csv: expected a readable metrics file"));
}

TEST_CASE("a run folder writes config.json and metrics.csv through the codec", "[io][train]") {
  TemporaryFolder folder;
  const auto dir = folder.path / "run";
  {
    ctgrad::train::RunFolder run(dir, "{\"seed\": 1}\n");
    CHECK(read_bytes(dir / "config.json") == "{\"seed\": 1}\n");
    CHECK(read_bytes(dir / "metrics.csv") == header);  // on disk before the first pass
    run.record(pass_result(1));
    run.record(pass_result(2));
  }
  const auto rows = ctgrad::io::read_metrics_csv(dir / "metrics.csv");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == MetricsRow{1, "train", 0.25, 5.486216, 400, 1.5});  // 100 * 400 / 7291 to 7 digits
  CHECK(rows[3].split == "test");
  CHECK(rows[3].misses == 100);
  CHECK(rows[3].seconds == 3);
}

TEST_CASE("reopening a run folder keeps the passes done, drops a torn last line, refuses corruption", "[io][train]") {
  TemporaryFolder folder;
  const auto dir = folder.path / "run";
  {
    ctgrad::train::RunFolder run(dir, "{}\n");
    for (int pass = 1; pass <= 3; ++pass) run.record(pass_result(pass));
  }
  const std::string three_passes = read_bytes(dir / "metrics.csv");
  auto write = [&](const std::string& text) { std::ofstream(dir / "metrics.csv", std::ios::binary) << text; };

  {
    auto run = ctgrad::train::RunFolder::reopen(dir, 2);
    run.record(pass_result(3));
  }
  CHECK(read_bytes(dir / "metrics.csv") == three_passes);

  // A kill while a row was being written leaves it without its newline.
  write(three_passes + "4,train,0.06");
  { ctgrad::train::RunFolder::reopen(dir, 5); }
  CHECK(read_bytes(dir / "metrics.csv") == three_passes);
  // Killed before the header reached the disk.
  write("pass,spl");
  { ctgrad::train::RunFolder::reopen(dir, 5); }
  CHECK(read_bytes(dir / "metrics.csv") == header);

  write(three_passes + "2,test,0.1,not a number,3,1\n");
  CHECK_THAT(io_error_message([&] { ctgrad::train::RunFolder::reopen(dir, 5); }),
             Contains((dir / "metrics.csv").string() + ": line 8: expected error to be a percentage"));
  std::filesystem::remove(dir / "metrics.csv");
  CHECK_THAT(io_error_message([&] { ctgrad::train::RunFolder::reopen(dir, 5); }),
             Contains((dir / "metrics.csv").string() + ": expected a readable metrics file"));
}
