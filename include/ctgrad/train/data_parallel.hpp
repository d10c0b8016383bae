#pragma once
// One minibatch step on all cores, with the same numbers on any number of
// them.
//
// A batch of n examples is cut into shards: n / 8 shards of 8 examples, each
// a compile<K, Batch<8>> graph, then n % 8 shards of one example (a batch
// that is not a multiple of 8, or the last of a pass). Each shard has its own
// copy of the parameters (the master's values, copied in at the start of the
// step; gradients its own) and its own generator (seeded from the master
// generator in shard order, so dropout masks and shifts do not depend on which
// thread runs the shard). Thread t of the pool runs shards t, t + T, ...;
// then thread t sums parameter t, t + T, ... over the shards in shard order
// into the master's gradient. Every float is therefore computed in an order
// fixed by n alone: the trained weights are bit-identical for 1, 2 or 64
// threads. Each shard's backward is scaled by 1/n, so the master gradient is
// that of the batch's mean loss.
//
// All shards and their graphs are allocated once, in the constructor; a step
// allocates nothing.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include "ctgrad/graph/compile.hpp"
#include "ctgrad/nn/augment.hpp"
#include "ctgrad/nn/parameters.hpp"
#include "ctgrad/ops/dropout.hpp"
#include "ctgrad/train/examples.hpp"
#include "ctgrad/train/thread_pool.hpp"

namespace ctgrad::training {

template <class Model, class K>
class DataParallelStep {
 public:
  using Params = typename Model::params_type;
  static constexpr std::size_t shard_size = 8;

  // Room for batches of up to `batch` examples; `dropout` as in Model::loss.
  DataParallelStep(std::size_t batch, float dropout, ThreadPool& pool) : pool_(pool) {
    for (std::size_t k = 0; k < batch / shard_size; ++k) eights_.push_back(std::make_unique<Shard<shard_size>>(dropout));
    for (std::size_t k = 0; k < std::min<std::size_t>(batch, shard_size - 1); ++k)
      singles_.push_back(std::make_unique<Shard<1>>(dropout));
  }

  // Forward and backward of the examples `indices` of `split` (at most the
  // constructor's batch): leaves the gradient of their mean loss in
  // params' gradients (replacing what was there) and returns that loss.
  // `noise` seeds the shards' generators (one draw per shard).
  float run(Params& params, const Split& split, std::span<const std::size_t> indices, bool augment,
            std::mt19937& noise) {
    const std::size_t n = indices.size();
    const std::size_t eights = n / shard_size, singles = n % shard_size;
    for (std::size_t k = 0; k < eights; ++k) eights_[k]->noise.seed(noise());
    for (std::size_t k = 0; k < singles; ++k) singles_[k]->noise.seed(noise());
    const float scale = 1.f / static_cast<float>(n);
    const unsigned threads = pool_.size();

    auto job = [&](unsigned t) {
      for (std::size_t k = t; k < eights + singles; k += threads) {
        if (k < eights)
          eights_[k]->run(params, split, indices.subspan(k * shard_size, shard_size), augment, scale);
        else
          singles_[k - eights]->run(params, split, indices.subspan(eights * shard_size + (k - eights), 1), augment,
                                    scale);
      }
      pool_.sync();
      // Parameter i belongs to thread i % threads; its sum runs over the
      // shards in shard order.
      auto reduce = [&](auto& shard, bool first) {
        std::size_t i = 0;
        for_each_parameter_pair(params, *shard.params, [&](auto& master, auto& own) {
          if (i++ % threads != t) return;
          constexpr std::size_t size = std::remove_cvref_t<decltype(master)>::shape::size;
          if (first)
            master.grad = own.grad;
          else
            K::template accumulate<size>(own.grad.data(), master.grad.data());
        });
      };
      for (std::size_t k = 0; k < eights; ++k) reduce(*eights_[k], k == 0);
      for (std::size_t k = 0; k < singles; ++k) reduce(*singles_[k], eights == 0 && k == 0);
    };
    pool_.run(job);

    float loss_sum = 0;
    for (std::size_t k = 0; k < eights; ++k) loss_sum += eights_[k]->loss_sum;
    for (std::size_t k = 0; k < singles; ++k) loss_sum += singles_[k]->loss_sum;
    return loss_sum / static_cast<float>(n);
  }

 private:
  using Expression = decltype(Model::loss(std::declval<Params&>(), std::declval<const DropoutControl&>(), 0.f));

  template <std::size_t B>
  struct Shard {
    explicit Shard(float dropout)
        : params(std::make_unique<Params>()), graph(std::make_unique<Graph<Expression, K, B>>(
                                                  Model::loss(*params, control, dropout))) {}
    // Copies the master's values in, runs B examples, keeps their gradient
    // (scaled by `scale`) in its own parameters and their loss sum.
    void run(Params& master, const Split& split, std::span<const std::size_t> indices, bool augment, float scale) {
      for_each_parameter_pair(master, *params, [](auto& from, auto& to) {
        to.value = from.value;
        to.grad.fill(0.f);
      });
      for (std::size_t b = 0; b < B; ++b) {
        const auto image = example_image(split, indices[b]);
        load_example<Model>(*graph, b, image, split.labels[indices[b]]);
        if (augment)
          random_shift<typename Model::image_shape>(image, graph->template input<"x">(b).span(), noise);
      }
      graph->forward();
      graph->backward(scale);
      loss_sum = 0;
      for (std::size_t b = 0; b < B; ++b) loss_sum += graph->loss(b);
    }

    std::unique_ptr<Params> params;
    std::mt19937 noise;
    DropoutControl control{&noise, true};
    std::unique_ptr<Graph<Expression, K, B>> graph;
    float loss_sum = 0;
  };

  ThreadPool& pool_;
  std::vector<std::unique_ptr<Shard<shard_size>>> eights_;
  std::vector<std::unique_ptr<Shard<1>>> singles_;
};

}  // namespace ctgrad::training
