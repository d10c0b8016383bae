#pragma once
// The message of the ctgrad::io::Error an action throws, for tests of the
// file readers' one-line errors; any other exception escapes and fails the test.
#include <string>

#include "ctgrad/io/error.hpp"

namespace ctgrad::testing {

inline constexpr const char* no_io_error = "(no ctgrad::io::Error was thrown)";

template <class Action>
std::string io_error_message(Action action) {
  try {
    action();
  } catch (const ctgrad::io::Error& error) {
    return error.what();
  }
  return no_io_error;
}

}  // namespace ctgrad::testing
