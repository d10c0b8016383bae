#pragma once
// LeNet-1's architectures, the variants of the recipes (lenet1/recipes.hpp),
// by name: what the command line knows of the models without compiling
// them. Each is a different forward expression (model.hpp), so a different
// compiled graph type, compiled once (ctgrad_add_program, CMakeLists.txt).
#include <string_view>

#include <ctgrad/train/variants.hpp>

namespace lenet1 {

struct Classic {  // 1989: tanh everywhere, MSE to +-1 targets
  static constexpr std::string_view name = "1989";
  static constexpr bool relu = false, output_tanh = true, dropout = false, cross_entropy = false;
};
struct Softmax {  // tanh hidden layers, linear output, softmax cross-entropy
  static constexpr std::string_view name = "softmax";
  static constexpr bool relu = false, output_tanh = false, dropout = false, cross_entropy = true;
};
struct Modern {  // ReLU hidden layers, dropout before H3, softmax cross-entropy
  static constexpr std::string_view name = "modern";
  static constexpr bool relu = true, output_tanh = false, dropout = true, cross_entropy = true;
};

using Variants = ctgrad::train::VariantList<Classic, Softmax, Modern>;

// A variant as the trainer's Model (lenet1/train.hpp).
template <class Variant>
struct Model;

}  // namespace lenet1
