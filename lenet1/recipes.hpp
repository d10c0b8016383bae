#pragma once
// The recipes of the lecun1989-repro "modern" ablation: the 1989 network
// improved one step at a time with 33 years of hindsight, at the same size.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lenet1 {

struct Recipe {
  std::string_view name;
  std::string_view change;     // what this step adds
  std::string_view variant;    // architecture: "1989", "softmax" or "modern" (model.hpp)
  int passes;
  double learning_rate;
  std::string_view optimizer;  // "sgd" or "adamw"
  bool learning_rate_decay;    // linear to lr/3 at the last pass
  bool augment;                // random 1-pixel shifts (roll)
  double dropout;              // before H3; only the "modern" variant has the layer
  double output_bias;          // initial output biases
  std::string_view reference;  // published train / test error
  std::size_t batch = 1;       // examples per step
  bool one_cycle = false;      // one-cycle schedule peaking at learning_rate, 10% warm-up
};

inline constexpr std::array<Recipe, 6> recipes = {{
    {"1989", "the reproduction", "1989", 23, 0.03, "sgd", false, false, 0.0, -1.0, "0.62% / 4.09%"},
    {"ce", "no tanh on the output (output bias init 0), softmax cross-entropy, SGD lr 0.01", "softmax", 23, 0.01,
     "sgd", false, false, 0.0, 0.0, "0.00% / 4.38%"},
    {"adamw", "+ AdamW lr 3e-4 decaying to 1e-4", "softmax", 46, 3e-4, "adamw", true, false, 0.0, 0.0,
     "0.00% / 3.59%"},
    {"augment", "+ random 1-pixel shifts", "softmax", 60, 3e-4, "adamw", true, true, 0.0, 0.0, "1.70% / 2.19%"},
    {"modern", "+ dropout 0.25 on the H2 output (before H3), ReLU in place of tanh", "modern", 80, 3e-4, "adamw",
     true, true, 0.25, 0.0, "1.47% / 1.59%"},
    {"modern-batch", "modern in minibatches of 16, AdamW one-cycle peaking at lr 3e-3 (10% warm-up), 120 passes", "modern", 120,
     3e-3, "adamw", false, true, 0.25, 0.0, "PyTorch 1.13 here: 2.14% / 1.89% test (seeds 1, 2)", 16, true},
}};

inline const Recipe* find_recipe(std::string_view name) {
  for (const Recipe& recipe : recipes)
    if (recipe.name == name) return &recipe;
  return nullptr;
}

inline std::string recipe_names() {
  std::string names;
  for (const Recipe& recipe : recipes) names += (names.empty() ? "" : ", ") + std::string(recipe.name);
  return names;
}

}  // namespace lenet1
