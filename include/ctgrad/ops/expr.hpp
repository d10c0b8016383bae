#pragma once
// What every node of a forward expression is (the contract as a concept,
// checked where a graph is compiled: ops/op.hpp). A node is a plain struct:
//   shape        the output Shape (checked by static_asserts in the op)
//   arguments    std::tuple of the child node types, stored in `args`
//   forward<K>(inputs..., out, scratch)
//   backward<K>(inputs..., out, grad_out, input grads..., scratch)
// where input grads are GradOf<S> (accumulate into it) or NoGrad (no
// parameter below that input: nothing to compute). An op the curvature pass
// may run through (graph/curvature.hpp) also has
//   curvature<K>(inputs..., out, curv_out, input curvatures..., scratch, curvature_scratch)
// next to its backward and sets has_curvature_rule.
// Nodes compare equal when they compute the same thing; compile() uses that
// to check that two uses of one node type are really one node.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "ctgrad/core/parameter.hpp"
#include "ctgrad/core/shape_rule.hpp"
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

// An input's curvature in the curvature pass: always added to (a node used
// twice gets the sum over its users, as its gradient does), or NoGrad.
template <class S>
using CurvatureOf = GradOf<S, false>;

// dx = g for dx's first writer, dx += g otherwise: N floats. g and dx are
// distinct tensors: a memcpy, which the compiler inlines for short rows,
// where std::copy_n's memmove would be a library call.
template <class K, std::size_t N, class DX>
void pass_gradient(const float* g, DX dx, std::size_t offset = 0) {
  if constexpr (DX::overwrite)
    std::memcpy(dx.data() + offset, g, N * sizeof(float));
  else
    K::template accumulate<N>(g, dx.data() + offset);
}

// The curvature rule of y = a + b and y = a - b (N floats): each operand
// gets c_y, since its weight is +1 or -1 and (+-1)^2 = 1 (so an untied
// bias's curvature is its unit's).
template <class K, std::size_t N, class CA, class CB>
void pass_curvature_to_both(const float* cy, CA ca, CB cb) {
  if constexpr (wants_grad<CA>) K::template accumulate<N>(cy, ca.data());
  if constexpr (wants_grad<CB>) K::template accumulate<N>(cy, cb.data());
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
  // The diagonal Gauss-Newton pass (graph/curvature.hpp): an op declares
  // curvature() and sets this; curvature_scratch is what that needs beyond
  // the forward's scratch (squared operands, say), held by the pass.
  static constexpr bool has_curvature_rule = false;
  using curvature_scratch = NoScratch;
  // The batched forms (graph/compile.hpp): an op that takes a whole batch
  // at once declares forward_batch / backward_batch and sets these.
  static constexpr bool has_forward_batch = false;
  static constexpr bool has_backward_batch = false;
  bool operator==(const OpBase&) const = default;
};

// ---- leaves ----------------------------------------------------------------

// A value the caller fills before forward(): the image, the target. A
// target is what a loss compares its prediction with (see label_rule).
template <class S, fixed_string Name, bool IsTarget = Name.view() == "target">
struct Input : OpBase {
  using shape = S;
  using arguments = std::tuple<>;
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view op_name = IsTarget ? "target" : "input";
  static constexpr bool is_target = IsTarget;
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
template <class S, fixed_string Name, bool IsTarget>
struct is_input<Input<S, Name, IsTarget>> : std::true_type {};
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
// What a factory takes for a node's child: an expression or a Parameter. A
// factory's spec constrains its rule's operand types with it, so a call with
// anything else is no candidate (core/shape_rule.hpp, checked_factory) rather
// than an error inside the rule.
template <class E>
concept operand = Expression<expr_t<E>>;
// Both operands of a binary operator are expressions or Parameters.
template <class A, class B>
concept operands = operand<A> && operand<B>;

// The shape of what a factory was handed (an expression or a Parameter), for its shape rule.
template <class E>
using shape_of = typename expr_t<E>::shape;

// A factory spec's make (core/shape_rule.hpp, checked_factory) where the node
// is Node<children...> of the arguments, as most are: `struct matmul_spec :
// makes<Matmul>` then states only its rule.
template <template <class...> class Node>
struct makes {
  template <class... Args>
  static constexpr auto make(Args&&... args) {
    return Node<expr_t<Args>...>{{}, {as_expr(args)...}};
  }
};

template <class S, fixed_string Name = "x">
constexpr Input<S, Name, false> input() { return {}; }
template <class S, fixed_string Name = "target">
constexpr Input<S, Name, true> target() { return {}; }

// A node's op name as a template argument, for a rule's message (the
// curvature pass's and the ONNX export's missing-rule errors).
template <class N>
struct op_name_text {
  static constexpr std::size_t length = N::op_name.size() + 1;
  struct chars_of {
    char chars[length]{};
  };
  static constexpr chars_of held = [] {
    chars_of text{};
    for (std::size_t i = 0; i + 1 < length; ++i) text.chars[i] = N::op_name[i];
    return text;
  }();
  static constexpr fixed_string<length> value{held.chars};
};

// ---- rules over a graph's nodes -------------------------------------------------

// The index of the first true flag, counted from the front or (FromEnd) from
// the back; flags.size() if none is.
template <std::size_t N>
constexpr std::size_t first_flagged(const std::array<bool, N>& flags, bool from_end = false) {
  for (std::size_t k = 0; k < N; ++k) {
    const std::size_t i = from_end ? N - 1 - k : k;
    if (flags[i]) return i;
  }
  return N;
}
// Holds when no node lacks what a pass needs, else Message (with one {} for
// the op's name) about the first node that does: from the schedule's start
// (children first), or from its end (the loss down). Lacking is a
// std::array<bool, sizeof...(Nodes)>.
template <fixed_string Message, bool FromEnd, auto Lacking, class... Nodes>
constexpr auto lacking_rule() {
  constexpr std::size_t at = first_flagged(Lacking, FromEnd);
  if constexpr (at == sizeof...(Nodes))
    return holds;
  else
    return broken<Message, quoted<op_name_text<std::tuple_element_t<at, std::tuple<Nodes...>>>::value>>;
}

// ---- rules over a whole graph's inputs --------------------------------------------

template <class... Types>
struct type_list {};

namespace detail {
// The lists' types in order of first appearance, each once.
template <class... Seen, class Next>
constexpr auto operator|(type_list<Seen...> seen, std::type_identity<Next>) {
  if constexpr ((std::is_same_v<Seen, Next> || ...))
    return seen;
  else
    return type_list<Seen..., Next>{};
}
template <class... Seen, class... More>
constexpr auto operator+(type_list<Seen...> seen, type_list<More...>) {
  return (seen | ... | std::type_identity<More>{});
}
template <class... Lists>
constexpr auto merge(Lists... lists) {
  return (type_list<>{} + ... + lists);
}

template <class E>
struct inputs_below {  // a class, so each node type's list is computed once
  static constexpr auto list = [] {
    if constexpr (is_input<E>::value)
      return type_list<E>{};
    else
      return []<class... Cs>(std::type_identity<std::tuple<Cs...>>) {
        return merge(inputs_below<Cs>::list...);
      }(std::type_identity<typename E::arguments>{});
  }();
};

template <class Input>
struct input_name;
template <class S, fixed_string Name, bool IsTarget>
struct input_name<Input<S, Name, IsTarget>> {
  static constexpr auto value = Name;
};
template <class Input>
using kind_word = std::conditional_t<Input::is_target, word<"target">, word<"input">>;
}  // namespace detail

// The distinct Input types below (and including) E.
template <class E>
using inputs_below = std::remove_cvref_t<decltype(detail::inputs_below<E>::list)>;

// Graph::input<"x">() finds an input by its name, so one name must be one
// input. Two inputs of one name and shape are one node (the same type); this
// catches a second, different input under a taken name, the usual result of a
// label written as input<S>() (also named "x") instead of target<S>().
template <class... Inputs>
constexpr auto input_names_rule(type_list<Inputs...>) {
  constexpr std::size_t count = sizeof...(Inputs);
  constexpr std::array<std::string_view, count> names{Inputs::name...};
  constexpr std::array<std::size_t, 2> clash = [&] {
    for (std::size_t second = 0; second < count; ++second)
      for (std::size_t first = 0; first < second; ++first)
        if (names[first] == names[second]) return std::array<std::size_t, 2>{first, second};
    return std::array<std::size_t, 2>{count, count};
  }();
  if constexpr (clash[0] == count) {
    return holds;
  } else {
    using First = std::tuple_element_t<clash[0], std::tuple<Inputs...>>;
    using Second = std::tuple_element_t<clash[1], std::tuple<Inputs...>>;
    return broken<"two different inputs share the name {}: {} {} and {} {} (a label is target<S>())",
                  quoted<detail::input_name<First>::value>, detail::kind_word<First>, typename First::shape,
                  detail::kind_word<Second>, typename Second::shape>;
  }
}

// A loss compares a prediction with a label. A label that is an input must
// be a target, and not also an input of the prediction: otherwise a label
// written as input<S>() is silently the image (same shape: one node) or a
// second input "x" that Graph::input<"x">() never fills.
template <fixed_string Loss, class Prediction, class Label>
constexpr auto label_rule() {
  constexpr auto names = input_names_rule(detail::merge(inputs_below<Prediction>{}, inputs_below<Label>{}));
  if constexpr (!rule_holds<names>) {
    return names;
  } else if constexpr (is_input<Label>::value) {
    constexpr bool read_by_prediction = []<class... Inputs>(type_list<Inputs...>) {
      return (std::is_same_v<Inputs, Label> || ...);
    }(inputs_below<Prediction>{});
    if constexpr (!Label::is_target)
      return broken<"{}: the label must be a target (target<S>()), not the input {} {}", word<Loss>,
                    quoted<detail::input_name<Label>::value>, typename Label::shape>;
    else if constexpr (read_by_prediction)
      return broken<"{}: the label {} {} is also an input of the prediction", word<Loss>,
                    quoted<detail::input_name<Label>::value>, typename Label::shape>;
    else
      return holds;
  } else {
    return holds;
  }
}

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
