#pragma once
// Reflection over a model's parameter struct. A model declares its parameters
// once, with BOOST_HANA_DEFINE_STRUCT; optimizers, checkpoint I/O, init and
// the summary iterate over them here instead of listing them by hand.
#include <cstddef>
#include <string_view>

#include <boost/hana/accessors.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/members.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/string.hpp>

#include "ctgrad/core/parameter.hpp"

namespace ctgrad {

// Calls fn(parameter) for every member, in declaration order. Each member's
// Hana key must equal its Parameter name, so checkpoints and code agree.
template <class Params, class Fn>
void for_each_parameter(Params& params, Fn&& fn) {
  boost::hana::for_each(boost::hana::accessors<std::remove_const_t<Params>>(), [&](auto pair) {
    auto& member = boost::hana::second(pair)(params);
    using Member = std::remove_cvref_t<decltype(member)>;
    static_assert(is_parameter<Member>::value,
                  "for_each_parameter: every member of a parameter struct must be a ctgrad::Parameter");
    static_assert(std::string_view(boost::hana::to<const char*>(boost::hana::first(pair))) == Member::name,
                  "for_each_parameter: a member's name differs from its Parameter<..., \"name\">");
    fn(member);
  });
}

// Calls fn(parameter of a, the same parameter of b) for every member: two
// instances of one parameter struct side by side (copies, reductions).
template <class Params, class Fn>
void for_each_parameter_pair(Params& a, Params& b, Fn&& fn) {
  boost::hana::for_each(boost::hana::accessors<std::remove_const_t<Params>>(), [&](auto pair) {
    fn(boost::hana::second(pair)(a), boost::hana::second(pair)(b));
  });
}

template <class Params>
constexpr std::size_t parameter_count() {
  std::size_t total = 0;
  boost::hana::for_each(boost::hana::accessors<Params>(), [&](auto pair) {
    using Member = std::remove_cvref_t<decltype(boost::hana::second(pair)(std::declval<Params&>()))>;
    total += Member::shape::size;
  });
  return total;
}

template <class Params>
void zero_grad(Params& params) {
  for_each_parameter(params, [](auto& parameter) { parameter.grad.fill(0); });
}

// Clears the curvature estimate before a curvature pass accumulates a new one.
template <class Params>
void zero_curvature(Params& params) {
  for_each_parameter(params, [](auto& parameter) { parameter.curvature.fill(0); });
}

}  // namespace ctgrad
