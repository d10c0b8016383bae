#pragma once
// A string usable as a template argument: parameter and input names are part
// of a node's type, which is what lets compile() recognise one node used twice.
#include <algorithm>
#include <cstddef>
#include <string_view>

namespace ctgrad {

template <std::size_t N>
struct fixed_string {
  char chars[N]{};
  constexpr fixed_string(const char (&text)[N]) { std::copy_n(text, N, chars); }
  constexpr std::string_view view() const { return {chars, N - 1}; }
  constexpr bool operator==(const fixed_string&) const = default;
};

}  // namespace ctgrad
