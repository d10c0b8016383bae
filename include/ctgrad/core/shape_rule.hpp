#pragma once
// Shape rules whose first compiler error line names the rule and the shapes.
//
// A static_assert message must be a string literal (C++20, g++ 12), so it
// cannot say which shapes broke a rule; a type can. A rule is a constexpr
// function of shapes that returns `holds`, or for its first clause broken
//   broken<"matmul: inner extents differ: {} x {}", A, B>
// whose message ({} replaced by each argument's text) is the template
// argument of shape_error<"matmul: inner extents differ: [192] x [190,30]">,
// a template declared and never defined. Two layers use it, as Boost.Hana's
// checks do (ops/matmul.hpp is the pattern):
//  - the op's factory is a checked_factory (below), whose call has two
//    overloads: `requires rule_holds<rule>` builds the node, and a
//    declaration `-> shape_error<rule_message<rule>>` is chosen when the rule
//    is broken. The call is then the error, at the caller's line: "invalid
//    use of incomplete type 'shape_error<"...: [192] x [190,30]">'"; no
//    template of the (long) expression types is instantiated, so no later
//    line quotes them;
//  - the op's struct asserts checked<rule>, which names the same shape_error
//    if the struct is instantiated directly.
#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "ctgrad/core/fixed_string.hpp"
#include "ctgrad/core/shape.hpp"

namespace ctgrad {

// Declared, never defined: naming it where a complete type is needed is the error.
template <fixed_string Message>
struct shape_error;

// Other arguments of a rule's message: a count ("5 heads"), a name in quotes, a word.
template <std::size_t N>
struct number {};
template <fixed_string Name>
struct quoted {};
template <fixed_string Text>
struct word {};

namespace rule_detail {

template <std::size_t Length>
struct text {  // a string built at compile time; Length without the final '\0'
  char chars[Length + 1]{};
  constexpr std::string_view view() const { return {chars, Length}; }
};

constexpr std::size_t decimal_digits(std::size_t value) {
  std::size_t digits = 1;
  for (; value >= 10; value /= 10) ++digits;
  return digits;
}

template <bool Bracketed, std::size_t... Numbers>
constexpr auto numbers_text() {  // [190,30] or 5
  constexpr std::size_t commas = sizeof...(Numbers) ? sizeof...(Numbers) - 1 : 0;
  constexpr std::size_t length = (Bracketed ? 2 : 0) + commas + (std::size_t{0} + ... + decimal_digits(Numbers));
  text<length> out;
  char* at = out.chars;
  if (Bracketed) *at++ = '[';
  bool first = true;
  for (std::size_t value : std::array<std::size_t, sizeof...(Numbers)>{Numbers...}) {
    if (!first) *at++ = ',';
    first = false;
    const std::size_t digits = decimal_digits(value);
    for (std::size_t d = digits; d-- > 0; value /= 10) at[d] = static_cast<char>('0' + value % 10);
    at += digits;
  }
  if (Bracketed) *at++ = ']';
  return out;
}

template <class T>
struct text_of;
template <std::size_t... Dims>
struct text_of<Shape<Dims...>> {
  static constexpr auto value = numbers_text<true, Dims...>();
};
template <std::size_t N>
struct text_of<number<N>> {
  static constexpr auto value = numbers_text<false, N>();
};
template <fixed_string Name>
struct text_of<quoted<Name>> {
  static constexpr auto value = [] {
    text<Name.view().size() + 2> out;
    // Backticks: the compiler prints '"' and '\'' escaped inside the type.
    out.chars[0] = '`';
    std::copy_n(Name.chars, Name.view().size(), out.chars + 1);
    out.chars[Name.view().size() + 1] = '`';
    return out;
  }();
};

template <fixed_string Text>
struct text_of<word<Text>> {
  static constexpr auto value = [] {
    text<Text.view().size()> out;
    std::copy_n(Text.chars, Text.view().size(), out.chars);
    return out;
  }();
};

constexpr std::size_t placeholders(std::string_view rule) {
  std::size_t count = 0;
  for (std::size_t at = rule.find("{}"); at != std::string_view::npos; at = rule.find("{}", at + 2)) ++count;
  return count;
}

// The rule with its {}s replaced by the arguments' texts, in order.
template <fixed_string Rule, class... Args>
constexpr auto message() {
  static_assert(placeholders(Rule.view()) == sizeof...(Args), "shape rule: one argument per {} in the message");
  constexpr std::size_t length =
      Rule.view().size() - 2 * sizeof...(Args) + (std::size_t{0} + ... + text_of<Args>::value.view().size());
  char out[length + 1]{};
  char* at = out;
  std::string_view rest = Rule.view();
  const auto copy_up_to_placeholder = [&] {
    const std::size_t found = rest.find("{}");
    for (char c : rest.substr(0, found)) *at++ = c;
    rest = found == std::string_view::npos ? std::string_view{} : rest.substr(found + 2);
  };
  [[maybe_unused]] const auto put = [&](std::string_view argument) {
    copy_up_to_placeholder();
    for (char c : argument) *at++ = c;
  };
  (put(text_of<Args>::value.view()), ...);
  copy_up_to_placeholder();
  return fixed_string<length + 1>(out);
}

}  // namespace rule_detail

// A rule's verdict. Its message is empty when the rule holds.
template <fixed_string Message>
struct verdict {
  static constexpr auto message = Message;
};
inline constexpr verdict<""> holds{};
template <fixed_string Rule, class... Args>
inline constexpr verdict<rule_detail::message<Rule, Args...>()> broken{};

template <auto Verdict>
inline constexpr auto rule_message = decltype(Verdict)::message;

// The one complete shape_error: no error. A factory's overload for a broken
// rule returns shape_error<rule_message<rule>>; written so, not through an
// alias, the compiler prints the type once, without an "aka".
template <>
struct shape_error<""> {};

// For a factory's requires-clause: the overload that builds the node.
template <auto Verdict>
concept rule_holds = rule_message<Verdict>.view().empty();

// For an op struct's static_assert: true, or an error naming shape_error<"...">.
template <auto Verdict>
inline constexpr bool checked = sizeof(shape_error<rule_message<Verdict>>) > 0;

// An op's factory, written once: `inline constexpr checked_factory<matmul_spec>
// matmul{};`, called as matmul(a, b) (a variable template where the op takes
// template arguments: conv2d<1, Table>(x, w)). Its Spec has
//   template <...> static constexpr auto rule();   the verdict for the call's argument types
//   template <...> static constexpr auto make(args...);   the node
// and the call is one of two overloads: make when the rule holds, else a
// declaration returning shape_error, so that the call is the error.
//
// The rule's template parameters say what it takes (`operand`, ops/expr.hpp;
// for pad's value, what converts to a float): its return type is deduced from
// its body, so a call with anything else must fail there, leaving no
// candidate, rather than in the body, a hard error.
//
// It sits beside shape_error, not in ops/, because it needs nothing of
// expressions (the Spec does): a user's op can use it as the library's do.
//
// Being an object, it is not found by argument-dependent lookup: a caller
// outside namespace ctgrad writes ctgrad::matmul or a using-declaration.
// g++ 12 takes a call through a variable template (patchify<2>(x)) inside a
// template as type-dependent even where nothing in it is, so code there that
// names a member of its result before instantiation writes
// `typename decltype(y)::shape` (tests/unit/test_ops_transformer.cpp).
//
// The operators +, - and * cannot be objects (an operator is a function),
// and an operator whose body called a checked_factory would be instantiated
// with the broken call, quoting the operands' types in an "In instantiation
// of" line: each writes the two overloads itself, with its Spec's rule and
// make (ops/add.hpp).
template <class Spec>
struct checked_factory {
  template <class... Args>
    requires rule_holds<Spec::template rule<Args...>()>
  constexpr auto operator()(Args&&... args) const {
    return Spec::make(std::forward<Args>(args)...);
  }
  template <class... Args>  // a broken rule: this call is the error
  auto operator()(Args&&...) const -> shape_error<rule_message<Spec::template rule<Args...>()>>;
};

}  // namespace ctgrad
