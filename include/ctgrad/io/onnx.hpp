#pragma once
// A network's inference graph as an ONNX model (docs/deploying.md).
//
//   auto scores = lenet1::network<lenet1::Modern>(params);
//   ctgrad::onnx::save("lenet1.onnx", scores);
//
// The forward expression's type is the whole graph, so the export walks it
// like compile() does: every distinct node once, children first. Each op
// says what it becomes in its own struct, next to its forward:
//
//   template <class Onnx, class Value>
//   Value to_onnx(Onnx& onnx, const Value& x, ...) const;  // one Value per argument
//
// built from GraphWriter's calls (node; the constants scalar, index, ints,
// floats; reshape, axis). Parameters
// become initializers under their ctgrad names and shapes; the input is
// [N, ...its shape] with N a symbolic batch dimension, so every value whose
// expression reads the input carries a leading batch axis (Value::batched)
// and a value of parameters alone does not. An op without a rule is a
// compile error at save() naming the op; a loss has none (export the
// network, not the loss), dropout is the identity.
//
// The file is protobuf, written by the few lines of impl/onnx.ipp (the
// messages of onnx.proto this needs, fields by number; docs/dependencies.md
// says why no protobuf library): ONNX IR version 8, opset 17 (ONNX 1.12 and
// later check it, ONNX Runtime 1.13 and later run it).
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "ctgrad/core/shape_rule.hpp"
#include "ctgrad/detail/separate_compilation.hpp"
#include "ctgrad/graph/topology.hpp"
#include "ctgrad/io/error.hpp"
#include "ctgrad/ops/expr.hpp"

namespace ctgrad::onnx {

inline constexpr std::int64_t ir_version = 8;
inline constexpr std::int64_t opset = 17;

// A tensor of the graph being written: which one (GraphWriter keeps the
// names: a Value is two words, cheap to pass through every op's rule), and
// whether it has the leading batch axis (it depends on the input) or not
// (parameters only).
struct Value {
  std::uint32_t id = 0;
  bool batched = false;
};

// A node attribute: an integer, a float, or a list of integers. It only
// refers to its name and list, as the node() call it is handed to reads them
// at once; trivially destructible, so the ops' rules stay small code.
struct Attribute {
  enum class Kind { integer, real, integers };
  Attribute(std::string_view name, std::int64_t value) : name(name), kind(Kind::integer), integer(value) {}
  Attribute(std::string_view name, float value) : name(name), kind(Kind::real), real(value) {}
  Attribute(std::string_view name, std::span<const std::int64_t> values)
      : name(name), kind(Kind::integers), integers(values) {}
  std::string_view name;
  Kind kind;
  std::int64_t integer = 0;
  float real = 0;
  std::span<const std::int64_t> integers;
};

// The graph under construction; ops' to_onnx rules call it.
class GraphWriter {
 public:
  // y = op_type(inputs...): y is batched if any input is.
  CTGRAD_DECL Value node(std::string_view op_type, std::initializer_list<Value> inputs,
                         std::initializer_list<Attribute> attributes = {});
  // Constants (unbatched initializers): a float scalar, an int64 scalar (an
  // index), an int64 vector (shapes, pads, axes), a float tensor of dims.
  CTGRAD_DECL Value scalar(float value);
  CTGRAD_DECL Value index(std::int64_t value);
  CTGRAD_DECL Value ints(std::vector<std::int64_t> values);
  CTGRAD_DECL Value floats(std::vector<std::int64_t> dims, std::span<const float> values);
  // x reshaped to dims, behind its batch axis if it has one.
  CTGRAD_DECL Value reshape(const Value& x, std::vector<std::int64_t> dims);
  // ctgrad's axis `axis` of x as an ONNX axis (one more if x is batched).
  static std::int64_t axis(const Value& x, std::size_t axis) { return static_cast<std::int64_t>(axis) + x.batched; }

  // The exporter's own calls: the leaves and the graph's ends.
  CTGRAD_DECL Value input(std::string_view name, std::vector<std::int64_t> dims);
  CTGRAD_DECL Value parameter(std::string_view name, std::vector<std::int64_t> dims, std::span<const float> values);
  CTGRAD_DECL void output(const Value& value, std::string_view name, std::vector<std::int64_t> dims);
  // The Value a node (keyed by its type) already has, or nullptr; remember
  // one (the exporter's memo, here so that its code is compiled once).
  CTGRAD_DECL const Value* known(const void* node_key) const;
  CTGRAD_DECL Value remember(const void* node_key, Value value);
  // The serialized ModelProto.
  CTGRAD_DECL std::string model(std::string_view graph_name) const;

 private:
  CTGRAD_DECL Value named(std::string name, bool batched);
  std::vector<std::string> names_;                                     // by Value::id
  std::map<const void*, Value> nodes_done_;
  std::vector<std::string> nodes_, initializers_, inputs_, outputs_;  // serialized messages
};

struct ExportOptions {
  std::string graph_name = "ctgrad";
  std::string output_name = "y";
};

// ---- the walk over a forward expression ------------------------------------

template <class N>
struct has_onnx_rule {
  static constexpr bool value = [] {
    if constexpr (is_leaf<N>)
      return true;
    else
      return []<class... Cs>(std::type_identity<std::tuple<Cs...>>) {
        return requires(const N& node, GraphWriter& writer, const Value& value) {
          node.to_onnx(writer, (static_cast<void>(sizeof(Cs)), value)...);
        };
      }(std::type_identity<typename N::arguments>{});
  }();
};

// Holds, or names the first node (children first) whose op has no rule.
template <class... Nodes>
constexpr auto onnx_rule_of(graph::type_list<Nodes...>) {
  return lacking_rule<"ONNX export: the op {} has no ONNX rule (declare to_onnx() next to its forward; a loss is not "
                      "exported: pass the network's output)",
                      false, std::array<bool, sizeof...(Nodes)>{!has_onnx_rule<Nodes>::value...}, Nodes...>();
}
template <class E>
constexpr auto onnx_rule() {
  return onnx_rule_of(graph::schedule_t<E>{});
}

namespace detail {

template <class S>
std::vector<std::int64_t> dims_of() {
  return [] {
    std::vector<std::int64_t> dims;
    for (std::size_t extent : S::dims) dims.push_back(static_cast<std::int64_t>(extent));
    return dims;
  }();
}

// One address per node type: the key of its Value. compile() makes one
// node of one type, so a node used twice (a residual input) is one Value.
template <class N>
inline constexpr char node_key = 0;

// The walk, children first. Not a template on the root: every function
// instantiated here is named by its node's type alone, not by the whole
// expression's (a transformer's is thousands of characters).
class Exporter {
 public:
  explicit Exporter(GraphWriter& writer) : writer_(writer) {}

  template <class N>
  Value value_of(const N& node) {
    if (const Value* known = writer_.known(&node_key<N>)) return *known;
    return writer_.remember(&node_key<N>, compute(node));
  }

 private:
  template <class N>
  Value compute(const N& node) {
    if constexpr (is_input<N>::value) {
      return writer_.input(N::name, dims_of<typename N::shape>());
    } else if constexpr (is_param_leaf<N>::value) {
      using P = typename N::parameter_type;
      static_assert(std::is_same_v<typename P::value_type, float>, "ONNX export: parameters must be float");
      return writer_.parameter(P::name, dims_of<typename P::shape>(), std::span<const float>(node.parameter->value));
    } else {
      return apply_rule(node, std::make_index_sequence<std::tuple_size_v<typename N::arguments>>{});
    }
  }
  template <class N, std::size_t... I>
  Value apply_rule(const N& node, std::index_sequence<I...>) {
    // Braces evaluate left to right: children's nodes come in argument order.
    const std::array<Value, sizeof...(I)> inputs{value_of(std::get<I>(node.args))...};
    return node.to_onnx(writer_, inputs[I]...);
  }

  GraphWriter& writer_;
};

}  // namespace detail

// The serialized ONNX model of `network` (a forward expression): its inputs
// are the expression's inputs, by name, [N, ...shape]; its output is
// options.output_name, [N, ...the network's shape]. With an op that has no
// rule, the call is the error (the second overload), naming the op.
template <Expression E>
  requires rule_holds<onnx_rule<E>()>
std::string model_bytes(const E& network, const ExportOptions& options = {}) {
  GraphWriter writer;
  detail::Exporter exporter(writer);
  const Value result = exporter.value_of(network);
  writer.output(result, options.output_name, detail::dims_of<typename E::shape>());
  return writer.model(options.graph_name);
}
template <Expression E>
auto model_bytes(const E&, const ExportOptions& = {}) -> shape_error<rule_message<onnx_rule<E>()>>;

// Writes the model to `file` (whole or not at all); io::Error names the file.
CTGRAD_DECL void write_model(const std::filesystem::path& file, const std::string& bytes);

template <Expression E>
  requires rule_holds<onnx_rule<E>()>
void save(const std::filesystem::path& file, const E& network, const ExportOptions& options = {}) {
  write_model(file, model_bytes(network, options));
}
template <Expression E>
auto save(const std::filesystem::path&, const E&, const ExportOptions& = {})
    -> shape_error<rule_message<onnx_rule<E>()>>;

}  // namespace ctgrad::onnx

#if !defined(CTGRAD_SEPARATE_COMPILATION)
#include "ctgrad/io/impl/onnx.ipp"
#endif
