#pragma once
// A program's variants: the architectures it trains, each a tag type with a
// name, the name a recipe, a run folder's config.json and --recipe use:
//
//   struct Classic { static constexpr std::string_view name = "1989"; ... };
//   using Variants = ctgrad::train::VariantList<Classic, Softmax, Modern>;
//
// visit turns a name into its tag type, so a command is one template over
// the variant (train/program.hpp) instead of a switch over names.
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ctgrad::train {

template <class... Variants>
struct VariantList {
  static_assert(sizeof...(Variants) > 0, "VariantList: a program has at least one variant");

  static constexpr std::array<std::string_view, sizeof...(Variants)> names{Variants::name...};

  static constexpr bool contains(std::string_view name) { return ((Variants::name == name) || ...); }

  // " (variant 1989, softmax or modern)", for a message that says which
  // names were expected; empty for a program of one variant, whose name
  // the message says already.
  static std::string listed() {
    if (names.size() == 1) return {};
    std::string text = " (variant ";
    for (std::size_t i = 0; i < names.size(); ++i)
      text += std::string(i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i]);
    return text + ")";
  }

  // f.template operator()<Variant>() for the variant named `name`, which
  // must be one of `names` (the callers check first, to say so in their
  // own words).
  template <class F>
  static decltype(auto) visit(std::string_view name, F&& f) {
    if (!contains(name)) throw std::invalid_argument("VariantList::visit: no variant named '" + std::string(name) + "'");
    return visit_from<Variants...>(name, f);
  }

 private:
  template <class First, class... Rest, class F>
  static decltype(auto) visit_from(std::string_view name, F& f) {
    if constexpr (sizeof...(Rest) == 0) {
      return f.template operator()<First>();
    } else {
      if (First::name == name) return f.template operator()<First>();
      return visit_from<Rest...>(name, f);
    }
  }
};

}  // namespace ctgrad::train
