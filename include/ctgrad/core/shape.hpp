#pragma once
// Shape<Dims...>: extents as template parameters, all arithmetic constexpr.
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>

namespace ctgrad {

// "[2,3]" for the extents {2, 3}: how every message and table writes a shape.
inline std::string shape_text(std::span<const std::size_t> dims) {
  std::string text = "[";
  for (std::size_t axis = 0; axis < dims.size(); ++axis) text += (axis ? "," : "") + std::to_string(dims[axis]);
  return text + "]";
}

template <std::size_t... Dims>
struct Shape {
  static constexpr std::size_t rank = sizeof...(Dims);
  static constexpr std::size_t size = (std::size_t{1} * ... * Dims);
  static constexpr std::array<std::size_t, rank> dims{Dims...};

  template <std::size_t Axis>
  static constexpr std::size_t dim() {
    static_assert(Axis < rank, "Shape::dim: axis out of range");
    return dims[Axis];
  }

  static std::string str() { return shape_text(dims); }
};

template <class T>
struct is_shape : std::false_type {};
template <std::size_t... Dims>
struct is_shape<Shape<Dims...>> : std::true_type {};

}  // namespace ctgrad
