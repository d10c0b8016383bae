#pragma once
// lenet1 curvature: the 1989 network's diagonal Gauss-Newton estimate
// (graph/curvature.hpp), averaged over the first N training examples, at the
// given weights, as safetensors: one tensor per parameter under its own name,
// to compare with another implementation's.
#include <cstddef>
#include <filesystem>
#include <iosfwd>

namespace lenet1 {

struct CurvatureOptions {
  std::filesystem::path init, save, data = "data";
  std::size_t examples = 500;
};

void write_curvature(const CurvatureOptions& options, std::ostream& out);

}  // namespace lenet1
