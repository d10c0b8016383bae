#pragma once
// The definitions behind io/onnx.hpp's GraphWriter: header-only builds get
// them through that header, a build with CTGRAD_SEPARATE_COMPILATION compiles
// them once (ctgrad/impl/src.hpp).
//
// The protobuf wire format, for the messages of onnx.proto an inference
// graph needs (https://protobuf.dev/programming-guides/encoding/): a field is
// a key (field number << 3 | wire type) then a varint (wire type 0), four
// little-endian bytes (5: float) or a length and bytes (2: strings, bytes and
// nested messages). Repeated scalars are written one key each, proto2's
// default, which every reader accepts. Only writing is needed, so there is
// nothing to parse and nothing to fuzz.
#include <bit>
#include <cstring>
#include <span>

#include "ctgrad/io/atomic_file.hpp"
#include "ctgrad/io/onnx.hpp"

namespace ctgrad::onnx {

namespace wire {

// One message being written: fields appended in any order.
class Message {
 public:
  Message& varint(int field, std::uint64_t value) {
    key(field, 0);
    raw_varint(value);
    return *this;
  }
  Message& integer(int field, std::int64_t value) { return varint(field, static_cast<std::uint64_t>(value)); }
  Message& float32(int field, float value) {
    key(field, 5);
    little_endian(std::bit_cast<std::uint32_t>(value));
    return *this;
  }
  Message& bytes(int field, std::string_view value) {
    key(field, 2);
    raw_varint(value.size());
    text_.append(value);
    return *this;
  }
  Message& message(int field, const Message& nested) { return bytes(field, nested.text_); }
  const std::string& text() const { return text_; }

 private:
  void key(int field, int wire_type) {
    raw_varint((static_cast<std::uint64_t>(field) << 3) | static_cast<unsigned>(wire_type));
  }
  void raw_varint(std::uint64_t value) {
    while (value >= 0x80) {
      text_.push_back(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    text_.push_back(static_cast<char>(value));
  }
  void little_endian(std::uint32_t bits) {
    for (int byte = 0; byte < 4; ++byte) text_.push_back(static_cast<char>((bits >> (8 * byte)) & 0xff));
  }
  std::string text_;
};

// onnx.proto's field numbers and enum values (ONNX 1.12, IR version 8).
namespace field {
inline constexpr int model_ir_version = 1, model_producer_name = 2, model_producer_version = 3, model_graph = 7,
                     model_opset_import = 8;
inline constexpr int opset_domain = 1, opset_version = 2;
inline constexpr int graph_node = 1, graph_name = 2, graph_initializer = 5, graph_input = 11, graph_output = 12;
inline constexpr int node_input = 1, node_output = 2, node_name = 3, node_op_type = 4, node_attribute = 5;
inline constexpr int attribute_name = 1, attribute_f = 2, attribute_i = 3, attribute_ints = 8, attribute_type = 20;
inline constexpr int tensor_dims = 1, tensor_data_type = 2, tensor_name = 8, tensor_raw_data = 9;
inline constexpr int value_info_name = 1, value_info_type = 2;
inline constexpr int type_tensor_type = 1, tensor_type_elem_type = 1, tensor_type_shape = 2;
inline constexpr int shape_dim = 1, dimension_value = 1, dimension_param = 2;
}  // namespace field
inline constexpr std::int64_t float_type = 1, int64_type = 7;                          // TensorProto.DataType
// AttributeProto.AttributeType
inline constexpr std::int64_t attribute_float = 1, attribute_int = 2, attribute_ints = 7;

inline Message tensor(std::string_view name, std::int64_t data_type, std::span<const std::int64_t> dims,
                      const std::string& little_endian_data) {
  Message t;
  for (std::int64_t extent : dims) t.integer(field::tensor_dims, extent);
  t.integer(field::tensor_data_type, data_type).bytes(field::tensor_name, name);
  t.bytes(field::tensor_raw_data, little_endian_data);
  return t;
}
inline std::string float_bytes(std::span<const float> values) {
  std::string out;
  out.reserve(4 * values.size());
  for (float value : values) {
    const auto bits = std::bit_cast<std::uint32_t>(value);
    for (int byte = 0; byte < 4; ++byte) out.push_back(static_cast<char>((bits >> (8 * byte)) & 0xff));
  }
  return out;
}
inline std::string int64_bytes(std::span<const std::int64_t> values) {
  std::string out;
  for (std::int64_t value : values) {
    const auto bits = static_cast<std::uint64_t>(value);
    for (int byte = 0; byte < 8; ++byte) out.push_back(static_cast<char>((bits >> (8 * byte)) & 0xff));
  }
  return out;
}
// A float tensor's ValueInfoProto: [N, dims...], N the symbolic batch.
inline Message batched_value_info(std::string_view name, std::span<const std::int64_t> dims) {
  Message shape;
  shape.message(field::shape_dim, Message().bytes(field::dimension_param, "N"));
  for (std::int64_t extent : dims) shape.message(field::shape_dim, Message().integer(field::dimension_value, extent));
  Message tensor_type;
  tensor_type.integer(field::tensor_type_elem_type, float_type).message(field::tensor_type_shape, shape);
  Message info;
  info.bytes(field::value_info_name, name)
      .message(field::value_info_type, Message().message(field::type_tensor_type, tensor_type));
  return info;
}

}  // namespace wire

// The graph's own names start with "/" (PyTorch's exporter's convention), so
// that they cannot be a parameter's or an input's, which are identifiers.
CTGRAD_DECL Value GraphWriter::named(std::string name, bool batched) {
  names_.push_back(std::move(name));
  return {static_cast<std::uint32_t>(names_.size() - 1), batched};
}

CTGRAD_DECL Value GraphWriter::node(std::string_view op_type, std::initializer_list<Value> inputs,
                                    std::initializer_list<Attribute> attributes) {
  bool batched = false;
  wire::Message n;
  for (const Value& x : inputs) {
    n.bytes(wire::field::node_input, names_[x.id]);
    batched = batched || x.batched;
  }
  const Value y = named("/" + std::string(op_type) + "_" + std::to_string(names_.size()), batched);
  const std::string& name = names_[y.id];
  n.bytes(wire::field::node_output, name).bytes(wire::field::node_name, name).bytes(wire::field::node_op_type, op_type);
  for (const Attribute& attribute : attributes) {
    wire::Message a;
    a.bytes(wire::field::attribute_name, attribute.name);
    switch (attribute.kind) {
      case Attribute::Kind::integer:
        a.integer(wire::field::attribute_i, attribute.integer);
        a.integer(wire::field::attribute_type, wire::attribute_int);
        break;
      case Attribute::Kind::real:
        a.float32(wire::field::attribute_f, attribute.real);
        a.integer(wire::field::attribute_type, wire::attribute_float);
        break;
      case Attribute::Kind::integers:
        for (std::int64_t i : attribute.integers) a.integer(wire::field::attribute_ints, i);
        a.integer(wire::field::attribute_type, wire::attribute_ints);
        break;
    }
    n.message(wire::field::node_attribute, a);
  }
  nodes_.push_back(n.text());
  return y;
}

CTGRAD_DECL Value GraphWriter::scalar(float value) {
  const Value c = named("/constant_" + std::to_string(names_.size()), false);
  initializers_.push_back(wire::tensor(names_[c.id], wire::float_type, {}, wire::float_bytes({&value, 1})).text());
  return c;
}

CTGRAD_DECL Value GraphWriter::index(std::int64_t value) {
  const Value c = named("/constant_" + std::to_string(names_.size()), false);
  initializers_.push_back(wire::tensor(names_[c.id], wire::int64_type, {}, wire::int64_bytes({&value, 1})).text());
  return c;
}

CTGRAD_DECL Value GraphWriter::ints(std::vector<std::int64_t> values) {
  const Value c = named("/constant_" + std::to_string(names_.size()), false);
  const std::int64_t dims[] = {static_cast<std::int64_t>(values.size())};
  initializers_.push_back(wire::tensor(names_[c.id], wire::int64_type, dims, wire::int64_bytes(values)).text());
  return c;
}

CTGRAD_DECL Value GraphWriter::floats(std::vector<std::int64_t> dims, std::span<const float> values) {
  const Value c = named("/constant_" + std::to_string(names_.size()), false);
  initializers_.push_back(wire::tensor(names_[c.id], wire::float_type, dims, wire::float_bytes(values)).text());
  return c;
}

CTGRAD_DECL Value GraphWriter::reshape(const Value& x, std::vector<std::int64_t> dims) {
  if (x.batched) dims.insert(dims.begin(), 0);  // 0: keep the input's extent, the batch
  return node("Reshape", {x, ints(std::move(dims))});
}

CTGRAD_DECL const Value* GraphWriter::known(const void* node_key) const {
  const auto found = nodes_done_.find(node_key);
  return found == nodes_done_.end() ? nullptr : &found->second;
}

CTGRAD_DECL Value GraphWriter::remember(const void* node_key, Value value) {
  nodes_done_.emplace(node_key, value);
  return value;
}

CTGRAD_DECL Value GraphWriter::input(std::string_view name, std::vector<std::int64_t> dims) {
  inputs_.push_back(wire::batched_value_info(name, dims).text());
  return named(std::string(name), true);
}

CTGRAD_DECL Value GraphWriter::parameter(std::string_view name, std::vector<std::int64_t> dims,
                                         std::span<const float> values) {
  initializers_.push_back(wire::tensor(name, wire::float_type, dims, wire::float_bytes(values)).text());
  return named(std::string(name), false);
}

CTGRAD_DECL void GraphWriter::output(const Value& value, std::string_view name, std::vector<std::int64_t> dims) {
  // The last node's output is renamed through an Identity, so the graph's
  // output has the name asked for whatever op made it.
  wire::Message n;
  n.bytes(wire::field::node_input, names_[value.id]).bytes(wire::field::node_output, name);
  n.bytes(wire::field::node_name, name).bytes(wire::field::node_op_type, "Identity");
  nodes_.push_back(n.text());
  outputs_.push_back(wire::batched_value_info(name, dims).text());
}

CTGRAD_DECL std::string GraphWriter::model(std::string_view graph_name) const {
  auto append_all = [](wire::Message& message, int field, const std::vector<std::string>& parts) {
    for (const std::string& part : parts) message.bytes(field, part);
  };
  wire::Message graph;
  append_all(graph, wire::field::graph_node, nodes_);
  graph.bytes(wire::field::graph_name, graph_name);
  append_all(graph, wire::field::graph_initializer, initializers_);
  append_all(graph, wire::field::graph_input, inputs_);
  append_all(graph, wire::field::graph_output, outputs_);
  wire::Message model;
  model.integer(wire::field::model_ir_version, ir_version)
      .bytes(wire::field::model_producer_name, "ctgrad")
      .bytes(wire::field::model_producer_version, "0.1.0")
      .message(wire::field::model_graph, graph)
      .message(wire::field::model_opset_import,
               wire::Message().bytes(wire::field::opset_domain, "").integer(wire::field::opset_version, opset));
  return model.text();
}

CTGRAD_DECL void write_model(const std::filesystem::path& file, const std::string& bytes) {
  const std::span<const std::byte> whole(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size());
  io::write_file_atomically(file, std::span<const std::span<const std::byte>>(&whole, 1));
}

}  // namespace ctgrad::onnx
