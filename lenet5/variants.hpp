#pragma once
// LeNet-5's two variants by name, and the examples both read and the classes
// they score: what the command line knows of the models without compiling
// them (model.hpp has the networks; lenet5/train.hpp checks that each Model
// agrees).
#include <array>
#include <cstddef>
#include <string_view>

#include <ctgrad/train/variants.hpp>

namespace lenet5 {

struct Paper {  // 1998: scaled tanh, trainable subsampling, MSE to +-1
  static constexpr std::string_view name = "1998";
  static constexpr bool modern = false;
};
struct Modern {  // ReLU, max pooling, softmax cross-entropy
  static constexpr std::string_view name = "modern";
  static constexpr bool modern = true;
};

using Variants = ctgrad::train::VariantList<Paper, Modern>;

// A variant as the trainer's Model (lenet5/train.hpp).
template <class Variant>
struct Model;

inline constexpr std::array<std::size_t, 3> example_dims{1, 28, 28};
inline constexpr std::size_t example_classes = 10;

}  // namespace lenet5
