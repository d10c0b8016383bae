#pragma once
// A micro vision transformer of LeNet-1's size: pre-LN transformer blocks on
// 16 tokens of the 16x16 digit, one per 4x4-pixel patch, each embedded from
// the 6x6 window around its patch (overlapping patches). The reference post
// tried this and reported it "couldn't match the performance of a convnet";
// docs/results.md has our numbers.
#include <algorithm>
#include <random>
#include <span>
#include <string_view>
#include <utility>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/config.hpp>
#include <ctgrad/train/model.hpp>

#include "micro_vit/variants.hpp"

namespace micro_vit {

using namespace ctgrad;

// ---- the whole architecture, in one place -----------------------------------
// Each knob can be set from the build for experiments (docs/results.md), e.g.
//   cmake -B build-vit -DCMAKE_CXX_FLAGS="-DMICRO_VIT_DEPTH=2 -DMICRO_VIT_MLP_RATIO=2"
#ifndef MICRO_VIT_PATCH
#define MICRO_VIT_PATCH 4
#endif
#ifndef MICRO_VIT_WIDTH
#define MICRO_VIT_WIDTH 16
#endif
#ifndef MICRO_VIT_DEPTH
#define MICRO_VIT_DEPTH 1
#endif
#ifndef MICRO_VIT_HEADS
#define MICRO_VIT_HEADS 2
#endif
#ifndef MICRO_VIT_MLP_RATIO
#define MICRO_VIT_MLP_RATIO 3
#endif
#ifndef MICRO_VIT_OVERLAP
#define MICRO_VIT_OVERLAP 1
#endif
#ifndef MICRO_VIT_LABEL_SMOOTHING
#define MICRO_VIT_LABEL_SMOOTHING 0
#endif
inline constexpr std::size_t patch = MICRO_VIT_PATCH;          // 4x4-pixel patches: 16 tokens
inline constexpr std::size_t width = MICRO_VIT_WIDTH;          // embedding width
inline constexpr std::size_t depth = MICRO_VIT_DEPTH;          // transformer blocks
inline constexpr std::size_t heads = MICRO_VIT_HEADS;          // attention heads
inline constexpr std::size_t mlp_ratio = MICRO_VIT_MLP_RATIO;  // MLP hidden width / width
inline constexpr std::size_t overlap = MICRO_VIT_OVERLAP;      // pixels a token sees of each neighbouring patch
inline constexpr float label_smoothing = MICRO_VIT_LABEL_SMOOTHING;  // the loss's eps (ops/cross_entropy.hpp)
// Overlap 1 (6x6 windows) lowers the test error against no overlap, for 320
// more parameters and 5,120 more MACs, and overlap 2 (8x8) does no better
// (docs/results.md, the micro-ViT's ablation). It gives the tokens some of a convnet's locality prior:
// neighbouring tokens share pixels, so a stroke crossing a patch border is seen
// whole by both.
// Parameters and multiply-adds must each land within +-40% of LeNet-1's
// (9,760 and 63,660). Every token-wise weight costs 16 MACs (one per token), so
// a pooled classifier with enough parameters has too many MACs; the head reads
// the flattened tokens instead, which adds parameters at one MAC each.

using Image = Shape<1, 16, 16>;
inline constexpr std::size_t tokens = (16 / patch) * (16 / patch);
inline constexpr std::size_t window = patch + 2 * overlap;  // the side of the pixels one token sees
inline constexpr std::size_t patch_features = patch * patch;
// Without overlap the embedding is a matrix on the patches (ViT's); with it, a
// convolution of stride `patch` whose kernels are `window` wide.
using EmbedShape = std::conditional_t<overlap == 0, Shape<patch_features, width>, Shape<width, 1, window, window>>;
inline constexpr std::size_t head_dim = head_width<width, heads>();
inline constexpr std::size_t hidden = width * mlp_ratio;
inline constexpr std::size_t classes = 10;

// Per-block weights are stacked along a leading [depth] axis and per-head
// projections side by side, so depth and heads above are the only knobs.
struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params,
                           (Parameter<EmbedShape, "embed_w">, embed_w),
                           (Parameter<Shape<width>, "embed_b">, embed_b),
                           (Parameter<Shape<tokens, width>, "position">, position),
                           (Parameter<Shape<depth, width>, "ln1_g">, ln1_g),
                           (Parameter<Shape<depth, width>, "ln1_b">, ln1_b),
                           (Parameter<Shape<depth, width, width>, "q_w">, q_w),
                           (Parameter<Shape<depth, width>, "q_b">, q_b),
                           (Parameter<Shape<depth, width, width>, "k_w">, k_w),
                           (Parameter<Shape<depth, width>, "k_b">, k_b),
                           (Parameter<Shape<depth, width, width>, "v_w">, v_w),
                           (Parameter<Shape<depth, width>, "v_b">, v_b),
                           (Parameter<Shape<depth, width, width>, "o_w">, o_w),
                           (Parameter<Shape<depth, width>, "o_b">, o_b),
                           (Parameter<Shape<depth, width>, "ln2_g">, ln2_g),
                           (Parameter<Shape<depth, width>, "ln2_b">, ln2_b),
                           (Parameter<Shape<depth, width, hidden>, "mlp1_w">, mlp1_w),
                           (Parameter<Shape<depth, hidden>, "mlp1_b">, mlp1_b),
                           (Parameter<Shape<depth, hidden, width>, "mlp2_w">, mlp2_w),
                           (Parameter<Shape<depth, width>, "mlp2_b">, mlp2_b),
                           (Parameter<Shape<width>, "ln_g">, ln_g),
                           (Parameter<Shape<width>, "ln_b">, ln_b),
                           (Parameter<Shape<tokens * width, classes>, "head_w">, head_w),
                           (Parameter<Shape<classes>, "head_b">, head_b));
};

// x W + b for every token.
template <class X, class W, class B>
auto linear(X&& x, W&& w, B&& b) {
  return row_bias(matmul(std::forward<X>(x), std::forward<W>(w)), std::forward<B>(b));
}

// Multi-head self-attention of block B: each head attends with its slice of
// the q, k, v projections; the heads' outputs, each times its rows of the
// output projection, add up to the concatenation times the whole projection.
template <std::size_t B, class X>
auto self_attention(Params& p, const X& normed) {
  auto q = linear(normed, take<B>(p.q_w), take<B>(p.q_b));
  auto k = linear(normed, take<B>(p.k_w), take<B>(p.k_b));
  auto v = linear(normed, take<B>(p.v_w), take<B>(p.v_b));
  auto mixed = [&]<std::size_t... H>(std::index_sequence<H...>) {
    return (... + matmul(attention(columns<H * head_dim, head_dim>(q), columns<H * head_dim, head_dim>(k),
                                   columns<H * head_dim, head_dim>(v)),
                         rows<H * head_dim, head_dim>(take<B>(p.o_w))));
  }(std::make_index_sequence<heads>{});
  return row_bias(mixed, take<B>(p.o_b));
}

// Pre-LN block: x + attention(LN(x)), then + MLP(LN(.)). Each residual input is
// one node used twice: the graph computes it once and sums both gradients.
template <std::size_t B, class X>
auto block(Params& p, const X& x) {
  auto attended = x + self_attention<B>(p, layer_norm(x, take<B>(p.ln1_g), take<B>(p.ln1_b)));
  auto normed = layer_norm(attended, take<B>(p.ln2_g), take<B>(p.ln2_b));
  auto mlp = linear(gelu(linear(normed, take<B>(p.mlp1_w), take<B>(p.mlp1_b))), take<B>(p.mlp2_w), take<B>(p.mlp2_b));
  return attended + mlp;
}

template <std::size_t B = 0, class X>
auto blocks(Params& p, const X& x) {
  if constexpr (B == depth)
    return x;
  else
    return blocks<B + 1>(p, block<B>(p, x));
}

// The tokens [tokens, width]: each patch embedded by embed_w. (A template,
// P = Params, so that only the branch for `overlap` is compiled.)
template <class P>
auto embed(P& p) {
  if constexpr (overlap == 0) {
    return linear(patchify<patch>(input<Image>()), p.embed_w, p.embed_b);
  } else {
    // -1 padding: the digits' background (LeNet-1's), so a border window reads
    // background beyond the image. The convolution's output is a plane per
    // embedding unit, [width, 4, 4]; transposed, a row per token.
    auto grid = conv2d<patch>(pad<overlap>(input<Image>(), -1.f), p.embed_w);
    return row_bias(transpose(reshape<Shape<width, tokens>>(grid)), p.embed_b);
  }
}

inline auto network(Params& p, const DropoutControl& dropout_control, float dropout_probability) {
  auto embedded = embed(p) + p.position;
  auto encoded = layer_norm(blocks(p, embedded), p.ln_g, p.ln_b);
  return matmul(dropout(flatten(encoded), dropout_probability, dropout_control), p.head_w) + p.head_b;
}

// The model as the shared trainer (ctgrad/train/trainer.hpp) sees it.
struct Model {
  using params_type = Params;
  using image_shape = Image;
  static constexpr std::size_t classes = micro_vit::classes;
  static constexpr ctgrad::train::Targets targets = ctgrad::train::Targets::one_hot;
  static auto network(Params& p, const DropoutControl& control, float dropout) {
    return micro_vit::network(p, control, dropout);
  }
  static auto loss(Params& p, const DropoutControl& control, float dropout) {
    return ctgrad::cross_entropy(micro_vit::network(p, control, dropout), target<Shape<classes>>(), label_smoothing);
  }
  // initialize (below), from the config's seed.
  static void initialize(Params& p, const ctgrad::train::TrainConfig& config);
};

static_assert(Model::image_shape::dims == example_dims && Model::classes == example_classes,
              "micro_vit/variants.hpp: example_dims and example_classes must be what the Model reads and scores");

// The inputs each output of a weight reads: [(depth,) in, out] for a matrix,
// [out, planes, k, k] for a convolution.
constexpr std::size_t fan_in(std::span<const std::size_t> dims) {
  return dims.size() == 4 ? dims[1] * dims[2] * dims[3] : dims[dims.size() - 2];
}

// PyTorch's defaults: linear weights uniform in +-1/sqrt(fan-in), biases 0,
// LayerNorm gains 1; position embeddings small (+-0.02).
inline void initialize(Params& p, std::uint32_t seed) {
  std::mt19937 rng(seed);
  for (const ctgrad::ParameterRef& parameter : ctgrad::parameter_refs(p)) {
    const std::string_view name = parameter.name;
    float bound = 0.f, fill = 0.f;
    if (name == "position")
      bound = 0.02f;
    else if (name.ends_with("_w"))
      bound = 1.f / std::sqrt(static_cast<float>(fan_in(parameter.dims)));
    else if (name.ends_with("_g"))
      fill = 1.f;
    for (float& value : parameter.value) value = bound > 0 ? (uniform01(rng) * 2.f - 1.f) * bound : fill;
    std::fill(parameter.grad.begin(), parameter.grad.end(), 0.f);
  }
}

inline void Model::initialize(Params& p, const ctgrad::train::TrainConfig& config) {
  micro_vit::initialize(p, config.seed);
}

}  // namespace micro_vit
