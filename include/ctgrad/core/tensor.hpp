#pragma once
// Tensor<Shape, T>: fixed-size, 64-byte aligned storage (one AVX-512 vector),
// no heap. Row-major; the last extent is contiguous.
#include <algorithm>
#include <cstddef>
#include <span>

#include "ctgrad/core/shape.hpp"

namespace ctgrad {

inline constexpr std::size_t tensor_alignment = 64;

template <class S, class T = float>
struct Tensor {
  static_assert(is_shape<S>::value, "Tensor: the first template argument must be a ctgrad::Shape<...>");
  using shape = S;
  using value_type = T;
  static constexpr std::size_t size = S::size;

  alignas(tensor_alignment) T storage[S::size]{};

  T* data() { return storage; }
  const T* data() const { return storage; }
  T& operator[](std::size_t index) { return storage[index]; }
  const T& operator[](std::size_t index) const { return storage[index]; }
  T* begin() { return storage; }
  T* end() { return storage + size; }
  const T* begin() const { return storage; }
  const T* end() const { return storage + size; }
  std::span<T, S::size> span() { return std::span<T, S::size>(storage); }
  std::span<const T, S::size> span() const { return std::span<const T, S::size>(storage); }

  void fill(T value) { std::fill(begin(), end(), value); }
};

// Elements from one tensor to the next in an array of them (its storage
// padded to the alignment): how the kernels step through a batch's examples.
template <class S, class T = float>
inline constexpr std::size_t tensor_stride = sizeof(Tensor<S, T>) / sizeof(T);

}  // namespace ctgrad
