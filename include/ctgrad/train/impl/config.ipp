#pragma once
// The definitions behind train/config.hpp's config.json writer and reader:
// header-only builds get them through that header, a build with
// CTGRAD_SEPARATE_COMPILATION compiles them once (ctgrad/impl/src.hpp).
#include <fstream>
#include <iterator>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "ctgrad/io/error.hpp"
#include "ctgrad/train/config.hpp"

namespace ctgrad::train {

CTGRAD_DECL std::string config_json(const TrainConfig& config) {
  nlohmann::json j = nlohmann::json::object();
  for_each_option([&](const auto& option) { j[std::string(option.key)] = config.*option.member; });
  return j.dump(2) + "\n";
}

CTGRAD_DECL TrainConfig config_from_json(const std::filesystem::path& file) {
  std::ifstream stream(file);
  if (!stream) io::fail(file, "expected the run's configuration, found no readable file");
  return config_from_json_text(std::string(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()),
                               file);
}

CTGRAD_DECL TrainConfig config_from_json_text(const std::string& text, const std::filesystem::path& file) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    io::fail(file, std::string("expected a run configuration written by --out, found: ") + error.what());
  }
  if (!j.is_object()) io::fail(file, "expected a JSON object of run settings, found " + std::string(j.type_name()));
  TrainConfig config;
  for_each_option([&](const auto& option) {
    using T = typename std::remove_cvref_t<decltype(option)>::value_type;
    const std::string key(option.key);
    const auto found = j.find(key);
    if (found == j.end()) {
      if (option.in_old_runs) io::fail(file, "expected the setting '" + key + "', found none");
      return;  // written before the option existed: its default
    }
    const bool right_type = std::is_same_v<T, bool>          ? found->is_boolean()
                            : std::is_same_v<T, std::string> ? found->is_string()
                            : std::is_integral_v<T>          ? found->is_number_integer()
                                                             : found->is_number();
    if (!right_type) io::fail(file, "expected '" + key + "' to be " + config_detail::allowed(option) + ", found " + found->dump());
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      // Range first, as a double: a get<unsigned>() of -1 would wrap.
      const double number = found->template get<double>();
      if (number < option.min || number > option.max || (option.above_min && number <= option.min))
        io::fail(file, "expected '" + key + "' to be " + config_detail::allowed(option) + ", found " + found->dump());
    }
    const T value = found->template get<T>();
    if (const auto expected = check_option(option, value))
      io::fail(file, "expected '" + key + "' to be " + *expected + ", found " + found->dump());
    config.*option.member = value;
  });
  return config;
}

}  // namespace ctgrad::train
