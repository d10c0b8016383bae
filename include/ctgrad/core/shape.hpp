#pragma once
// Shape<Dims...>: extents as template parameters, all arithmetic constexpr.
#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

namespace ctgrad {

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

  static std::string str() {
    std::string text = "[";
    for (std::size_t axis = 0; axis < rank; ++axis) {
      if (axis) text += ',';
      text += std::to_string(dims[axis]);
    }
    text += ']';
    return text;
  }
};

template <class T>
struct is_shape : std::false_type {};
template <std::size_t... Dims>
struct is_shape<Shape<Dims...>> : std::true_type {};

}  // namespace ctgrad
