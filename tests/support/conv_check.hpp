#pragma once
// One convolution geometry's SIMD kernels against the scalar reference
// (forward, backward into existing gradients, backward as the input
// gradient's first writer, backward without an input gradient), for the
// kernel tests test_kernels_convolution*.cpp, which share the geometries
// out so that no file takes long to compile.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include <ctgrad/kernels/kernels.hpp>

#include "tests/support/kernel_check.hpp"

// The parameters of a geometry, for TEMPLATE_TEST_CASE_SIG(name, tags,
// CTGRAD_CONV_GEOMETRY, (1, 20, 12, 1, 5, 2), ...).
#define CTGRAD_CONV_GEOMETRY                                                                                  \
  ((std::size_t InPlanes, std::size_t In, std::size_t OutPlanes, std::size_t FanIn, std::size_t Kernel,       \
    std::size_t Stride),                                                                                      \
   InPlanes, In, OutPlanes, FanIn, Kernel, Stride)

namespace ctgrad::testing {

// Output plane o reads input planes o, o+1, ..., o+FanIn-1 (mod InPlanes):
// every plane has FanIn readers, in a different slot for each.
template <std::size_t InPlanes, std::size_t OutPlanes, std::size_t FanIn>
struct RotatingTable {
  static constexpr auto planes = [] {
    std::array<std::array<std::size_t, FanIn>, OutPlanes> table{};
    for (std::size_t o = 0; o < OutPlanes; ++o) {
      for (std::size_t j = 0; j < FanIn; ++j) table[o][j] = (o + j) % InPlanes;
      std::sort(table[o].begin(), table[o].end());
    }
    return table;
  }();
};

template <std::size_t InPlanes, std::size_t In, std::size_t OutPlanes, std::size_t FanIn, std::size_t Kernel,
          std::size_t Stride>
void check_convolution_paths() {
  using ctgrad::kernels::Scalar;
  using Simd = ctgrad::kernels::Selected;  // the set CTGRAD_EACH_SIMD_SET selected
  using G = ctgrad::kernels::ConvGeometry<InPlanes, In, In, OutPlanes, FanIn, Kernel, Stride,
                                          RotatingTable<InPlanes, OutPlanes, FanIn>>;
  // Up to a few hundred products of terms in [-1, 1] per output, summed in a
  // different order on each path: float rounding of about 1e-5 absolute.
  constexpr float conv_margin = 2e-5f;
  const auto x = random_vector(InPlanes * In * In, 8);
  const auto w = random_vector(OutPlanes * FanIn * G::taps, 9);
  const auto dy = random_vector(OutPlanes * G::out_pixels, 10);
  std::vector<float> scratch(G::scratch_size, 0.f);  // zero, as the op's scratch is at construction
  std::vector<float> scalar_y(OutPlanes * G::out_pixels), simd_y(OutPlanes * G::out_pixels);
  Scalar::conv2d_forward<G>(x.data(), w.data(), scalar_y.data(), nullptr);
  Simd::conv2d_forward<G>(x.data(), w.data(), simd_y.data(), scratch.data());
  require_close(scalar_y, simd_y, conv_margin);
  // Gradients accumulate into what is there: start from non-zero values.
  auto scalar_dw = random_vector(w.size(), 11), scalar_dx = random_vector(x.size(), 12);
  auto simd_dw = scalar_dw, simd_dx = scalar_dx;
  Scalar::conv2d_backward<G>(x.data(), w.data(), dy.data(), scalar_dw.data(), scalar_dx.data(), nullptr);
  for (int call = 0; call < 2; ++call) {  // twice: the first call must leave the scratch fit for the next
    auto dw = simd_dw, dx = simd_dx;
    Simd::conv2d_backward<G>(x.data(), w.data(), dy.data(), dw.data(), dx.data(), scratch.data());
    require_close(scalar_dw, dw, conv_margin);
    require_close(scalar_dx, dx, conv_margin);
  }
  // As dx's first writer (WriteDx): dx is set, whatever it held before.
  {
    std::vector<float> expected_dx(x.size(), 0.f);
    auto dw = scalar_dw;
    Scalar::conv2d_backward<G>(x.data(), w.data(), dy.data(), dw.data(), expected_dx.data(), nullptr);
    std::vector<float> scalar_set(x.size(), 1e30f), simd_set(x.size(), std::nanf(""));
    Scalar::conv2d_backward<G, true>(x.data(), w.data(), dy.data(), dw.data(), scalar_set.data(), nullptr);
    Simd::conv2d_backward<G, true>(x.data(), w.data(), dy.data(), dw.data(), simd_set.data(), scratch.data());
    require_close(expected_dx, scalar_set, conv_margin);
    require_close(expected_dx, simd_set, conv_margin);
  }
  // No input gradient wanted (the first layer): only dw changes.
  auto dw = simd_dw;
  Simd::conv2d_backward<G>(x.data(), w.data(), dy.data(), dw.data(), nullptr, scratch.data());
  require_close(scalar_dw, dw, conv_margin);
}

}  // namespace ctgrad::testing
