#pragma once
// The definitions behind io/safetensors.hpp's reader and writer: header-only
// builds get them through that header, a build with
// CTGRAD_SEPARATE_COMPILATION compiles them once (ctgrad/impl/src.hpp), and
// only that file then parses nlohmann json. What each public function does
// is said at its declaration there.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <istream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctgrad/io/atomic_file.hpp"
#include "ctgrad/io/error.hpp"
#include "ctgrad/io/safetensors.hpp"

namespace ctgrad::io {

namespace safetensors_detail {

// The header length is the first thing read and nothing else can vouch for it
// yet; the reference implementation caps it at 100 MB for the same reason.
inline constexpr std::uint64_t max_header_bytes = std::uint64_t{100} << 20;
inline constexpr std::string_view metadata_key = "__metadata__";
inline constexpr std::uint64_t bytes_per_f32 = 4;

using json = nlohmann::json;

CTGRAD_DECL std::string printable(std::string_view name) {
  std::string text;
  for (char character : name) {
    if (static_cast<unsigned char>(character) < 0x20 || character == 0x7f) {
      text += '?';
    } else {
      text += character;
    }
  }
  return text;
}

CTGRAD_DECL std::optional<std::uint64_t> element_count(std::span<const std::size_t> shape) {
  if (std::find(shape.begin(), shape.end(), std::size_t{0}) != shape.end()) return 0;
  std::uint64_t count = 1;
  for (std::size_t extent : shape) {
    if (count > std::numeric_limits<std::uint64_t>::max() / extent) return std::nullopt;
    count *= extent;
  }
  return count;
}

// For "found ..." in messages: numbers as written, anything else by its type.
inline std::string describe(const json& value) {
  return value.is_number() ? value.dump() : std::string(value.type_name());
}

struct Entry {
  std::string name;
  std::vector<std::size_t> shape;
  std::uint64_t begin;
  std::uint64_t end;
};

inline void read_exactly(std::istream& stream, const std::filesystem::path& file, std::uint64_t position,
                         char* destination, std::uint64_t count, const std::string& what) {
  stream.seekg(static_cast<std::streamoff>(position));
  stream.read(destination, static_cast<std::streamsize>(count));
  if (!stream || static_cast<std::uint64_t>(stream.gcount()) != count) {
    fail(file, "expected " + std::to_string(count) + " bytes of " + what + " at byte " + std::to_string(position) +
                   ", found the file ends early or cannot be read");
  }
}

// nlohmann::json keeps the last of two equal keys silently; a safetensors file
// with two entries of one name is ambiguous, so the parse watches for them.
inline json parse_header(const std::filesystem::path& file, const std::string& text) {
  std::vector<std::set<std::string>> keys_of_open_objects;
  std::optional<std::string> duplicate_key;
  auto watch_keys = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      keys_of_open_objects.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      keys_of_open_objects.pop_back();
    } else if (event == json::parse_event_t::key) {
      std::string key = parsed.get<std::string>();
      if (!keys_of_open_objects.back().insert(key).second && !duplicate_key) duplicate_key = std::move(key);
    }
    return true;
  };
  // nlohmann::json stops at a NUL byte as if the input ended there, which would
  // let anything after it through; JSON allows no raw NUL anywhere.
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    fail(file, "expected a JSON header, found invalid JSON (a NUL byte at byte " + std::to_string(nul) + ")");
  }
  json header;
  try {
    header = json::parse(text, watch_keys);
  } catch (const json::parse_error& error) {
    fail(file, "expected a JSON header, found invalid JSON (parse error at byte " + std::to_string(error.byte) + ")");
  } catch (const json::out_of_range&) {
    // A number beyond a double's range (1e400) is well-formed JSON, which
    // nlohmann::json refuses with out_of_range 406 rather than parse_error.
    fail(file, "expected a JSON header, found a number too large for a double");
  }
  if (duplicate_key) fail(file, "expected unique keys in the header, found duplicate key " + printable(*duplicate_key));
  if (!header.is_object()) fail(file, std::string("expected the header to be a JSON object, found ") + header.type_name());
  return header;
}

inline void check_metadata(const std::filesystem::path& file, const json& metadata) {
  if (!metadata.is_object()) {
    fail(file, std::string("expected __metadata__ to be an object of strings, found ") + metadata.type_name());
  }
  for (const auto& [key, value] : metadata.items()) {
    if (!value.is_string()) {
      fail(file, "expected __metadata__ values to be strings, found " + describe(value) + " at key " + printable(key));
    }
  }
}

inline Entry parse_entry(const std::filesystem::path& file, const std::string& name, const json& description,
                         std::uint64_t buffer_bytes) {
  const std::string tensor = "tensor " + printable(name) + ": ";
  if (!description.is_object()) {
    fail(file, tensor + "expected an object with dtype, shape and data_offsets, found " + description.type_name());
  }
  auto field = [&](const char* key) -> const json& {
    const auto found = description.find(key);
    if (found == description.end()) fail(file, tensor + "expected a field " + key + ", found none");
    return *found;
  };

  const json& dtype = field("dtype");
  if (!dtype.is_string()) fail(file, tensor + "expected dtype to be a string, found " + describe(dtype));
  if (dtype.get_ref<const std::string&>() != "F32") {
    fail(file, tensor + "expected dtype F32, found " + printable(dtype.get_ref<const std::string&>()));
  }

  // nlohmann::json stores non-negative integers as number_unsigned, negative
  // ones as number_integer and anything with a fraction or exponent (or too
  // large for 64 bits) as number_float; only the first is a valid count.
  Entry entry{name, {}, 0, 0};
  const json& shape = field("shape");
  if (!shape.is_array()) fail(file, tensor + "expected shape to be an array, found " + describe(shape));
  for (const json& extent : shape) {
    if (!extent.is_number_unsigned()) {
      fail(file, tensor + "expected shape entries to be non-negative integers, found " + describe(extent));
    }
    entry.shape.push_back(extent.get<std::size_t>());
  }

  const json& offsets = field("data_offsets");
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned()) {
    fail(file, tensor + "expected data_offsets to be two non-negative integers [begin,end], found " +
                   (offsets.is_array() ? offsets.dump() : describe(offsets)));
  }
  entry.begin = offsets[0].get<std::uint64_t>();
  entry.end = offsets[1].get<std::uint64_t>();
  const std::string offsets_text = "[" + std::to_string(entry.begin) + "," + std::to_string(entry.end) + "]";
  if (entry.begin > entry.end) fail(file, tensor + "expected data_offsets begin <= end, found " + offsets_text);
  if (entry.end > buffer_bytes) {
    fail(file, tensor + "expected data_offsets within the " + std::to_string(buffer_bytes) +
                   "-byte data buffer, found " + offsets_text);
  }

  const std::optional<std::uint64_t> count = element_count(entry.shape);
  if (!count || *count > std::numeric_limits<std::uint64_t>::max() / bytes_per_f32) {
    fail(file, tensor + "expected a shape whose byte size fits in 64 bits, found " + shape_text(entry.shape));
  }
  if (*count * bytes_per_f32 != entry.end - entry.begin) {
    fail(file, tensor + "expected " + std::to_string(*count * bytes_per_f32) + " bytes for F32 shape " +
                   shape_text(entry.shape) + ", found data_offsets " + offsets_text + " spanning " +
                   std::to_string(entry.end - entry.begin) + " bytes");
  }
  return entry;
}

// The reference format stores tensors back to back from byte 0 to the end of
// the file; anything else is either corruption or bytes smuggled past readers.
inline void check_ranges_tile_buffer(const std::filesystem::path& file, std::vector<const Entry*>& by_offset,
                                     std::uint64_t buffer_bytes) {
  std::sort(by_offset.begin(), by_offset.end(), [](const Entry* left, const Entry* right) {
    return std::tie(left->begin, left->end) < std::tie(right->begin, right->end);
  });
  std::uint64_t covered = 0;
  const Entry* previous = nullptr;
  for (const Entry* entry : by_offset) {
    const std::string tensor = "tensor " + printable(entry->name) + ": ";
    const std::string after = previous ? " (where tensor " + printable(previous->name) + " ends)" : "";
    if (entry->begin < covered) {
      fail(file, tensor + "expected data to start at byte " + std::to_string(covered) + after + ", found byte " +
                     std::to_string(entry->begin) + ": the ranges overlap");
    }
    if (entry->begin > covered) {
      fail(file, tensor + "expected data to start at byte " + std::to_string(covered) + after + ", found byte " +
                     std::to_string(entry->begin) + ": a gap of " + std::to_string(entry->begin - covered) +
                     " unused bytes");
    }
    covered = entry->end;
    previous = entry;
  }
  if (covered != buffer_bytes) {
    fail(file, "expected the file to end where the last tensor ends (" + std::to_string(covered) +
                   " data bytes), found " + std::to_string(buffer_bytes - covered) + " trailing bytes");
  }
}

}  // namespace safetensors_detail

CTGRAD_DECL void write_safetensors(const std::filesystem::path& file, std::span<const TensorView> tensors,
                                   const std::map<std::string, std::string>& metadata) {
  using namespace safetensors_detail;
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header[std::string(metadata_key)] = metadata;

  std::set<std::string_view> names;
  std::uint64_t offset = 0;
  for (const TensorView& tensor : tensors) {
    const std::string label = "tensor " + printable(tensor.name) + ": ";
    if (tensor.name == metadata_key) fail(file, label + "expected a tensor name, found the reserved key __metadata__");
    if (!names.insert(tensor.name).second) fail(file, label + "expected unique tensor names, found this name twice");
    const std::optional<std::uint64_t> count = element_count(tensor.shape);
    if (!count || *count != tensor.values.size()) {
      fail(file, label + "expected " + (count ? std::to_string(*count) : std::string("more than 2^64")) +
                     " values for shape " + shape_text(tensor.shape) + ", found " +
                     std::to_string(tensor.values.size()));
    }
    const std::uint64_t end = offset + tensor.values.size_bytes();
    header[tensor.name] = nlohmann::ordered_json::object({{"dtype", "F32"},
                                                          {"shape", tensor.shape},
                                                          {"data_offsets", nlohmann::ordered_json::array({offset, end})}});
    offset = end;
  }

  std::string header_text;
  try {
    header_text = header.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::strict);
  } catch (const nlohmann::ordered_json::type_error&) {
    fail(file, "expected UTF-8 tensor names and metadata, found invalid UTF-8");
  }
  // Padding keeps the data buffer 8-byte aligned in the file, as the reference
  // writer does, so readers that map the file can use the floats in place.
  header_text.append((8 - header_text.size() % 8) % 8, ' ');

  std::array<std::byte, 8> length_bytes;
  for (std::size_t index = 0; index < length_bytes.size(); ++index) {
    length_bytes[index] = static_cast<std::byte>((std::uint64_t{header_text.size()} >> (8 * index)) & 0xff);
  }
  std::vector<std::span<const std::byte>> chunks{length_bytes, std::as_bytes(std::span(header_text))};
  for (const TensorView& tensor : tensors) chunks.push_back(std::as_bytes(tensor.values));
  write_file_atomically(file, chunks);
}

CTGRAD_DECL std::map<std::string, TensorData> read_safetensors(std::istream& stream, const std::filesystem::path& file,
                                                               std::map<std::string, std::string>* metadata) {
  using namespace safetensors_detail;
  // The size of the stream actually read, not of whatever the path names now.
  stream.seekg(0, std::ios::end);
  const std::streamoff end_position = stream.tellg();
  if (end_position < 0) fail(file, "expected a file whose size can be determined, found none");
  const auto file_bytes = static_cast<std::uint64_t>(end_position);

  if (file_bytes < 8) {
    fail(file, "expected at least 8 bytes (the header length), found " + std::to_string(file_bytes));
  }
  std::array<unsigned char, 8> length_bytes;
  read_exactly(stream, file, 0, reinterpret_cast<char*>(length_bytes.data()), 8, "header length");
  std::uint64_t header_bytes = 0;
  for (std::size_t index = 0; index < length_bytes.size(); ++index) {
    header_bytes |= std::uint64_t{length_bytes[index]} << (8 * index);
  }
  if (header_bytes > max_header_bytes) {
    fail(file, "expected a header of at most " + std::to_string(max_header_bytes) + " bytes, found a length of " +
                   std::to_string(header_bytes));
  }
  if (header_bytes > file_bytes - 8) {
    fail(file, "expected a header length within the file's " + std::to_string(file_bytes - 8) +
                   " bytes after the length field, found " + std::to_string(header_bytes));
  }
  std::string header_text(header_bytes, '\0');
  read_exactly(stream, file, 8, header_text.data(), header_bytes, "header");
  const json header = parse_header(file, header_text);

  const std::uint64_t data_start = 8 + header_bytes;
  const std::uint64_t buffer_bytes = file_bytes - data_start;
  std::vector<Entry> entries;
  for (const auto& [name, description] : header.items()) {
    if (name == metadata_key) {
      check_metadata(file, description);
      if (metadata)
        for (const auto& [key, value] : description.items()) (*metadata)[key] = value.get<std::string>();
    } else {
      entries.push_back(parse_entry(file, name, description, buffer_bytes));
    }
  }
  std::vector<const Entry*> by_offset;
  for (const Entry& entry : entries) by_offset.push_back(&entry);
  check_ranges_tile_buffer(file, by_offset, buffer_bytes);

  // Every size below has been checked against the file's size.
  std::map<std::string, TensorData> tensors;
  for (const Entry* entry : by_offset) {
    TensorData data{entry->shape, std::vector<float>((entry->end - entry->begin) / bytes_per_f32)};
    if (!data.values.empty()) {
      read_exactly(stream, file, data_start + entry->begin, reinterpret_cast<char*>(data.values.data()),
                   entry->end - entry->begin, "tensor " + printable(entry->name));
    }
    tensors.emplace(entry->name, std::move(data));
  }
  return tensors;
}

CTGRAD_DECL std::map<std::string, TensorData> read_safetensors(const std::filesystem::path& file,
                                                               std::map<std::string, std::string>* metadata) {
  std::error_code status_error;
  const std::filesystem::file_status status = std::filesystem::status(file, status_error);
  if (!std::filesystem::exists(status)) fail(file, "expected a safetensors file, found no such file");
  if (!std::filesystem::is_regular_file(status)) {
    fail(file, "expected a regular safetensors file, found a directory or special file");
  }
  std::ifstream stream(file, std::ios::binary);
  if (!stream) fail(file, "expected a readable safetensors file, found one that cannot be opened");
  return read_safetensors(stream, file, metadata);
}

}  // namespace ctgrad::io
