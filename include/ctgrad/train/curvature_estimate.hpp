#pragma once
// The curvature estimate SDLM holds fixed for a pass (optim/sdlm.hpp): the
// Gauss-Newton diagonal averaged over `examples` training examples, before
// the pass (LeCun et al. 1998: 500 examples). Pass p reads examples
// p * examples, p * examples + 1, ... (mod the split's size): different
// examples each pass, chosen without drawing from the run's generator, so a
// resumed run estimates exactly as an uninterrupted one.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>

#include "ctgrad/graph/curvature.hpp"
#include "ctgrad/nn/parameters.hpp"
#include "ctgrad/train/model.hpp"

namespace ctgrad::train {

template <TrainableModel Model, class G>
void estimate_curvature(G& graph, CurvaturePass<G>& curvature, typename Model::params_type& params,
                        const Split& split, std::size_t examples, int pass) {
  zero_curvature(params);
  const std::size_t count = std::min(examples, split.count());
  const float share = 1.f / static_cast<float>(count);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t index = (static_cast<std::size_t>(pass) * count + k) % split.count();
    load_example<Model>(graph, 0, example<Model>(split, index), split.labels[index]);
    graph.forward();
    curvature.run(share);
  }
}

// The trainer's pass, for a model whose ops all have curvature rules; for
// any other, --optimizer sdlm is a usage error naming the op, and the
// trainer still compiles.
struct NoCurvaturePass {};
template <class G>
using curvature_pass_of = std::conditional_t<rule_holds<curvature_rule<G>()>, CurvaturePass<G>, NoCurvaturePass>;

template <class G>
std::unique_ptr<curvature_pass_of<G>> curvature_pass_if(bool wanted, G& graph) {
  if (!wanted) return nullptr;
  if constexpr (rule_holds<curvature_rule<G>()>)
    return std::make_unique<CurvaturePass<G>>(graph);
  else
    throw UsageError("--optimizer sdlm: " + std::string(rule_message<curvature_rule<G>()>.view()));
}
template <TrainableModel Model, class G>
void estimate_curvature(G&, NoCurvaturePass&, typename Model::params_type&, const Split&, std::size_t, int) {}

}  // namespace ctgrad::train
