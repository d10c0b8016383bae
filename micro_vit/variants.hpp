#pragma once
// The micro-ViT's one variant by name, and the examples it reads and the
// classes it scores: what the command line knows of the model without
// compiling it (micro_vit/model.hpp checks that the Model agrees).
#include <array>
#include <cstddef>
#include <string_view>

#include <ctgrad/train/variants.hpp>

namespace micro_vit {

struct MicroVit {
  static constexpr std::string_view name = "micro_vit";
};

using Variants = ctgrad::train::VariantList<MicroVit>;

// The trainer's Model (micro_vit/model.hpp), for its one variant.
struct Model;
template <class Variant>
using ModelOf = Model;

// The teacher of --teacher (micro_vit/teacher.hpp).
namespace teacher {
struct Model;
}

inline constexpr std::array<std::size_t, 3> example_dims{1, 16, 16};
inline constexpr std::size_t example_classes = 10;

}  // namespace micro_vit
