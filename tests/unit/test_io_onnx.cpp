// The ONNX writer's bytes, read back by a protobuf decoder written here from
// the wire format's description (independent of io/impl/onnx.ipp's encoder):
// the model's version fields, the graph's nodes in order with their
// attributes, the initializers under the parameters' names with their
// values, the input and output with the symbolic batch N. Running the files
// is test_e2e_onnx's part (ONNX Runtime, ONNX's checker).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/onnx.hpp>

namespace {

// One message's fields by number: varints, 32-bit values and byte strings.
struct Fields {
  std::multimap<int, std::uint64_t> numbers;
  std::multimap<int, std::string> strings;

  std::vector<std::string> all(int field) const {
    std::vector<std::string> out;
    for (auto [it, end] = strings.equal_range(field); it != end; ++it) out.push_back(it->second);
    return out;
  }
  std::string one(int field) const {
    const auto values = all(field);
    REQUIRE(values.size() == 1);
    return values[0];
  }
  std::vector<std::int64_t> integers(int field) const {
    std::vector<std::int64_t> out;
    for (auto [it, end] = numbers.equal_range(field); it != end; ++it)
      out.push_back(static_cast<std::int64_t>(it->second));
    return out;
  }
};

Fields decode(std::string_view bytes) {
  Fields fields;
  std::size_t at = 0;
  auto varint = [&] {
    std::uint64_t value = 0;
    for (int shift = 0;; shift += 7) {
      REQUIRE(at < bytes.size());
      const auto byte = static_cast<std::uint8_t>(bytes[at++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
  };
  while (at < bytes.size()) {
    const std::uint64_t key = varint();
    const int field = static_cast<int>(key >> 3);
    switch (key & 7) {
      case 0:
        fields.numbers.emplace(field, varint());
        break;
      case 5: {
        REQUIRE(at + 4 <= bytes.size());
        std::uint32_t bits = 0;
        std::memcpy(&bits, bytes.data() + at, 4);
        fields.numbers.emplace(field, bits);
        at += 4;
        break;
      }
      case 2: {
        const std::size_t length = varint();
        REQUIRE(at + length <= bytes.size());
        fields.strings.emplace(field, std::string(bytes.substr(at, length)));
        at += length;
        break;
      }
      default:
        FAIL("unexpected wire type " << (key & 7));
    }
  }
  return fields;
}

struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params, (ctgrad::Parameter<ctgrad::Shape<3, 2>, "w">, w),
                           (ctgrad::Parameter<ctgrad::Shape<2>, "b">, b));
};

// [N, dims...] of a ValueInfoProto: "N" then the extents.
std::vector<std::string> value_dims(const std::string& value_info) {
  const Fields tensor_type = decode(decode(decode(value_info).one(2)).one(1));
  CHECK(tensor_type.integers(1) == std::vector<std::int64_t>{1});  // float
  std::vector<std::string> dims;
  for (const std::string& dim : decode(tensor_type.one(2)).all(1)) {
    const Fields d = decode(dim);
    dims.push_back(d.strings.count(2) ? d.one(2) : std::to_string(d.integers(1).at(0)));
  }
  return dims;
}

}  // namespace

TEST_CASE("an exported network's protobuf holds its nodes, weights, input and output", "[io][onnx]") {
  using namespace ctgrad;
  Params p;
  for (std::size_t i = 0; i < p.w.value.size; ++i) p.w.value[i] = 0.5f * static_cast<float>(i) - 1.f;
  p.b.value[0] = 0.25f;
  p.b.value[1] = -3.f;
  const auto network = 2.f * tanh(matmul(input<Shape<3>>(), p.w) + p.b);
  const std::string bytes = onnx::model_bytes(network, {.graph_name = "tiny", .output_name = "scores"});
  CHECK(bytes == onnx::model_bytes(network, {.graph_name = "tiny", .output_name = "scores"}));  // deterministic

  const Fields model = decode(bytes);
  CHECK(model.integers(1) == std::vector<std::int64_t>{onnx::ir_version});
  CHECK(model.one(2) == "ctgrad");
  const Fields opset = decode(model.one(8));
  CHECK(opset.one(1).empty());  // the default domain
  CHECK(opset.integers(2) == std::vector<std::int64_t>{17});

  const Fields graph = decode(model.one(7));
  CHECK(graph.one(2) == "tiny");
  std::vector<std::string> op_types;
  for (const std::string& node : graph.all(1)) op_types.push_back(decode(node).one(4));
  CHECK(op_types == std::vector<std::string>{"MatMul", "Add", "Tanh", "Mul", "Identity"});
  // Each node reads what the one before it wrote; the last is the output.
  const auto nodes = graph.all(1);
  for (std::size_t i = 1; i < nodes.size(); ++i) {
    const auto inputs = decode(nodes[i]).all(1);
    CHECK(std::find(inputs.begin(), inputs.end(), decode(nodes[i - 1]).one(2)) != inputs.end());
  }
  CHECK(decode(nodes.back()).one(2) == "scores");

  // Initializers: w and b under their names, shapes and values; the scale's constant.
  std::map<std::string, Fields> initializers;
  for (const std::string& tensor : graph.all(5)) {
    const Fields t = decode(tensor);
    initializers.emplace(t.one(8), t);
  }
  REQUIRE(initializers.count("w") == 1);
  REQUIRE(initializers.count("b") == 1);
  CHECK(initializers.size() == 3);
  const Fields& w = initializers.at("w");
  CHECK(w.integers(1) == std::vector<std::int64_t>{3, 2});
  CHECK(w.integers(2) == std::vector<std::int64_t>{1});
  std::vector<float> w_values(6);
  REQUIRE(w.one(9).size() == 6 * sizeof(float));
  std::memcpy(w_values.data(), w.one(9).data(), w.one(9).size());  // little-endian, as this machine
  CHECK(w_values == std::vector<float>(p.w.value.begin(), p.w.value.end()));
  CHECK(initializers.at("b").integers(1) == std::vector<std::int64_t>{2});

  REQUIRE(graph.all(11).size() == 1);
  CHECK(decode(graph.one(11)).one(1) == "x");
  CHECK(value_dims(graph.one(11)) == std::vector<std::string>{"N", "3"});
  CHECK(decode(graph.one(12)).one(1) == "scores");
  CHECK(value_dims(graph.one(12)) == std::vector<std::string>{"N", "2"});
}

TEST_CASE("attributes are written with their types; a node used twice is exported once", "[io][onnx]") {
  using namespace ctgrad;
  auto x = input<Shape<1, 4, 4>>();
  auto pooled = max_pool<2>(pad<1>(x, -1.f));  // [1, 3, 3]
  const auto network = softmax(flatten(pooled)) + softmax(flatten(pooled));
  const Fields graph = decode(decode(onnx::model_bytes(network)).one(7));
  std::map<std::string, int> count;
  for (const std::string& node : graph.all(1)) ++count[decode(node).one(4)];
  CHECK(count == std::map<std::string, int>{{"Pad", 1}, {"MaxPool", 1}, {"Reshape", 1}, {"Softmax", 1}, {"Add", 1},
                                            {"Identity", 1}});
  for (const std::string& node : graph.all(1)) {
    const Fields n = decode(node);
    if (n.one(4) == "MaxPool") {
      std::map<std::string, Fields> attributes;
      for (const std::string& a : n.all(5)) attributes.emplace(decode(a).one(1), decode(a));
      CHECK(attributes.at("kernel_shape").integers(8) == std::vector<std::int64_t>{2, 2});
      CHECK(attributes.at("kernel_shape").integers(20) == std::vector<std::int64_t>{7});  // INTS
      CHECK(attributes.at("strides").integers(8) == std::vector<std::int64_t>{2, 2});
    }
    if (n.one(4) == "Softmax") {
      const Fields axis = decode(n.one(5));
      CHECK(axis.one(1) == "axis");
      CHECK(axis.integers(3) == std::vector<std::int64_t>{-1});
      CHECK(axis.integers(20) == std::vector<std::int64_t>{2});  // INT
    }
    if (n.one(4) == "Pad") {  // data, pads [0, 0, 1, 1, 0, 0, 1, 1] and the value -1
      const auto inputs = n.all(1);
      REQUIRE(inputs.size() == 3);
      CHECK(inputs[0] == "x");
    }
  }
}
