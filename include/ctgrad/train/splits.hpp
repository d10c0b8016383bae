#pragma once
// A data folder's train and test splits, as the trainer reads them: a
// program's command line loads them before it compiles any model
// (train/model.hpp's load_splits<Model> takes the shape from the Model).
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "ctgrad/data/dataset.hpp"
#include "ctgrad/train/errors.hpp"

namespace ctgrad::train {

using data::Split;

struct Splits {
  Split train, test;
};

// The train and test splits of `dir`, each example of `example_shape` (e.g.
// {1, 28, 28}) with labels below `classes`; a folder that is not there is a
// usage error of --data, and `how_to_make` tells a user where the files come from.
inline Splits load_splits(const std::filesystem::path& dir, std::span<const std::size_t> example_shape,
                          std::size_t classes, std::string_view how_to_make = {}) {
  if (!std::filesystem::is_directory(dir))
    throw UsageError("--data: expected a folder holding train_{images,labels}.npy and test_{images,labels}.npy, "
                     "found no folder " + dir.string() +
                     (how_to_make.empty() ? std::string() : " (" + std::string(how_to_make) + ")"));
  return {data::load_split(dir, "train", example_shape, classes, how_to_make),
          data::load_split(dir, "test", example_shape, classes, how_to_make)};
}

}  // namespace ctgrad::train
