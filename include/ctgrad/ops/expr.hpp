#pragma once
// What every node of a forward expression is. A node is a plain struct:
//   shape        the output Shape (checked by static_asserts in the op)
//   arguments    std::tuple of the child node types, stored in `args`
//   forward<K>(inputs..., out, scratch)
//   backward<K>(inputs..., out, grad_out, input grads..., scratch)
// where input grads are GradOf<S> (accumulate into it) or NoGrad (no
// parameter below that input: nothing to compute).
// Nodes compare equal when they compute the same thing; compile() uses that
// to check that two uses of one node type are really one node.
#include <algorithm>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "ctgrad/core/parameter.hpp"
#include "ctgrad/core/tensor.hpp"

namespace ctgrad {

struct NoScratch {};

// An input's gradient. Ops add to it, except that its first writer (the
// consumer whose backward runs first; see Graph) gets Overwrite = true when
// its op declares writes_input_grads: it then sets every element, and the
// graph skips zero-filling that gradient.
template <class S, bool Overwrite = false>
struct GradOf {
  static constexpr bool overwrite = Overwrite;
  Tensor<S>& tensor;
  float* data() const { return tensor.data(); }
};
struct NoGrad {
  static constexpr bool overwrite = false;
  float* data() const { return nullptr; }
};
template <class G>
inline constexpr bool wants_grad = !std::is_same_v<G, NoGrad>;

// dx = g for dx's first writer, dx += g otherwise: N floats.
template <class K, std::size_t N, class DX>
void pass_gradient(const float* g, DX dx, std::size_t offset = 0) {
  if constexpr (DX::overwrite)
    std::copy_n(g, N, dx.data() + offset);
  else
    K::template accumulate<N>(g, dx.data() + offset);
}

// Defaults every op may override.
struct OpBase {
  using scratch = NoScratch;
  static constexpr std::size_t macs = 0;         // multiply-adds of one forward
  static constexpr std::size_t connections = 0;  // the paper's count: weights + biases met
  static constexpr std::size_t units = 0;        // biased neurons this node produces
  // Handed an input gradient with overwrite set, backward sets all of it
  // instead of adding (see GradOf). Ops that do not declare it get zeroed
  // gradients to add to.
  static constexpr bool writes_input_grads = false;
  bool operator==(const OpBase&) const = default;
};

// ---- leaves ----------------------------------------------------------------

// A value the caller fills before forward(): the image, the target.
template <class S, fixed_string Name>
struct Input : OpBase {
  using shape = S;
  using arguments = std::tuple<>;
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view op_name = "input";
  static constexpr bool is_target = Name.view() == "target";
  std::tuple<> args;
  bool operator==(const Input&) const = default;
};

// A parameter used in an expression: points at the model's Parameter, whose
// value is read and whose grad is accumulated into.
template <class P>
struct ParamLeaf : OpBase {
  using shape = typename P::shape;
  using parameter_type = P;
  using arguments = std::tuple<>;
  static constexpr std::string_view op_name = "parameter";
  P* parameter;
  std::tuple<> args;
  bool operator==(const ParamLeaf&) const = default;
};

template <class E>
struct is_input : std::false_type {};
template <class S, fixed_string Name>
struct is_input<Input<S, Name>> : std::true_type {};
template <class E>
struct is_param_leaf : std::false_type {};
template <class P>
struct is_param_leaf<ParamLeaf<P>> : std::true_type {};
template <class E>
inline constexpr bool is_leaf = is_input<E>::value || is_param_leaf<E>::value;

template <class E>
concept Expression = requires {
  typename E::shape;
  typename E::arguments;
};

// Lets ops accept a Parameter wherever an expression is expected.
template <class S, fixed_string Name, class T>
constexpr ParamLeaf<Parameter<S, Name, T>> as_expr(Parameter<S, Name, T>& parameter) {
  return {{}, &parameter, {}};
}
template <Expression E>
constexpr E as_expr(const E& expression) {
  return expression;
}
template <class E>
using expr_t = decltype(as_expr(std::declval<std::remove_cvref_t<E>&>()));

template <class S, fixed_string Name = "x">
constexpr Input<S, Name> input() { return {}; }
template <class S>
constexpr Input<S, "target"> target() { return {}; }

// Does any parameter sit below this node? If not, backward skips it.
template <class E>
constexpr bool requires_grad() {
  if constexpr (is_param_leaf<E>::value)
    return true;
  else
    return []<class... Cs>(std::type_identity<std::tuple<Cs...>>) {
      return (false || ... || requires_grad<Cs>());
    }(std::type_identity<typename E::arguments>{});
}

}  // namespace ctgrad
