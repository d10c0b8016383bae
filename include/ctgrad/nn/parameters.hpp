#pragma once
// Reflection over a model's parameter struct. A model declares its parameters
// once, with BOOST_HANA_DEFINE_STRUCT; optimizers, checkpoint I/O, init and
// the summary iterate over them here instead of listing them by hand.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>

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

// A parameter as run-time values: its name, its extents and its three
// tensors. What treats every parameter alike (the optimizers' updates,
// weights and checkpoints to and from files, the reductions of a minibatch)
// walks an array of these in an ordinary loop, so that it is compiled once
// for all parameters, not once for every Parameter type of every model
// (docs/performance.md, "Build time"). T is float, or const float for a
// view that only reads.
template <class T>
struct BasicParameterRef {
  std::string_view name;
  std::span<const std::size_t> dims;
  std::span<T> value;
  std::span<T> grad;
  std::span<T> curvature;

  operator BasicParameterRef<const T>() const
    requires(!std::is_const_v<T>)
  {
    return {name, dims, value, grad, curvature};
  }
};
using ParameterRef = BasicParameterRef<float>;
using ConstParameterRef = BasicParameterRef<const float>;

// The number of Parameters in a parameter struct.
template <class Params>
inline constexpr std::size_t parameter_tensor_count =
    decltype(boost::hana::length(boost::hana::accessors<Params>()))::value;

// Every member of `params` as a ParameterRef (a ConstParameterRef when
// `params` is const), in declaration order: one walk over the struct's
// types, done before a loop rather than inside each step of one.
template <class Params>
  requires(!std::is_const_v<Params>)
auto parameter_refs(Params& params) {
  std::array<ParameterRef, parameter_tensor_count<Params>> refs;
  std::size_t next = 0;
  for_each_parameter(params, [&](auto& parameter) {
    using P = std::remove_cvref_t<decltype(parameter)>;
    static_assert(std::is_same_v<typename P::value_type, float>,
                  "parameter_refs: the optimizers and safetensors files take float parameters only, and this "
                  "Parameter is not float");
    refs[next++] = {P::name, P::shape::dims, parameter.value.span(), parameter.grad.span(),
                    parameter.curvature.span()};
  });
  return refs;
}
// The same walk, only read from: one instantiation serves both.
template <class Params>
auto parameter_refs(const Params& params) {
  const auto refs = parameter_refs(const_cast<Params&>(params));
  std::array<ConstParameterRef, parameter_tensor_count<Params>> views;
  std::copy(refs.begin(), refs.end(), views.begin());
  return views;
}

// The values of `from` into `to`: two instances of one parameter struct, as
// parameter_refs gives them.
inline void copy_values(std::span<const ConstParameterRef> from, std::span<const ParameterRef> to) {
  for (std::size_t i = 0; i < from.size(); ++i) std::copy(from[i].value.begin(), from[i].value.end(), to[i].value.begin());
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
  for (const ParameterRef& parameter : parameter_refs(params)) std::fill(parameter.grad.begin(), parameter.grad.end(), 0.f);
}

// Clears the curvature estimate before a curvature pass accumulates a new one.
template <class Params>
void zero_curvature(Params& params) {
  for (const ParameterRef& parameter : parameter_refs(params))
    std::fill(parameter.curvature.begin(), parameter.curvature.end(), 0.f);
}

}  // namespace ctgrad
