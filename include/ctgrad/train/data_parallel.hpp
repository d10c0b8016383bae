#pragma once
// One minibatch step on all cores, with the same numbers on any number of
// them.
//
// A batch of n examples is cut into shards: n / 8 shards of 8 examples, then
// n % 8 shards of one example (a batch that is not a multiple of 8, or the
// last of a pass). Thread t of the pool runs shards t, t + T, ... on its own
// worker: a copy of the parameters (the master's values, copied in once per
// step), one compile<K, Batch<8>> graph and one per-example graph, reused
// for each of its shards so a worker's buffers stay in its core's cache. A
// shard's generator is seeded from the master generator in shard order, so
// dropout masks and shifts do not depend on which thread runs it; its
// gradient is kept in a slot of its own. Then thread t sums its share of the
// elements over the slots in shard order into the master's gradient. Every
// float is therefore computed in an order fixed by n alone: the trained
// weights are bit-identical for 1, 2 or 64 threads. Each shard's backward is
// scaled by 1/n, so the master gradient is that of the batch's mean loss.
//
// Several processes (mpirun, train/processes.hpp) split the shards too:
// rank r runs the shards share_of(shards, r, R), a contiguous block, on its
// threads, and Processes::ordered_sum adds all ranks' slots (each a shard's
// gradient and loss sum) in shard order: the running sum passes from rank
// to rank, each adding its own slots, and the last broadcasts it. Every
// element is the same sum, in the same order, as in one process: the
// weights are bit-identical for any number of processes and threads.
//
// Workers, graphs and gradient slots are allocated once, in the
// constructor; a step allocates nothing (MPI's own buffers aside).
#include <algorithm>
#include <cstdint>
#include <cstddef>
#include <memory>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ctgrad/graph/compile.hpp"
#include "ctgrad/data/augment.hpp"
#include "ctgrad/nn/parameters.hpp"
#include "ctgrad/ops/dropout.hpp"
#include "ctgrad/train/model.hpp"
#include "ctgrad/train/processes.hpp"
#include "ctgrad/train/thread_pool.hpp"

namespace ctgrad::train {

// The examples of a full shard: one compile<K, Batch<8>> graph's batch.
inline constexpr std::size_t shard_examples = 8;

template <class Model, class K>
class DataParallelStep {
 public:
  using Params = typename Model::params_type;
  static constexpr std::size_t shard_size = shard_examples;
  static constexpr std::size_t parameters = parameter_count<Params>();

  // Room for batches of up to `batch` examples; `dropout` as in Model::loss;
  // the shards split over `processes` as well as over the pool's threads.
  DataParallelStep(std::size_t batch, float dropout, ThreadPool& pool,
                   const Processes& processes = Processes::world());
  ~DataParallelStep();

  // Forward and backward of the examples `indices` of `split` (at most the
  // constructor's batch): leaves the gradient of their mean loss in
  // params' gradients (replacing what was there) and returns that loss.
  // `noise` seeds the shards' generators (one draw per shard). Each example
  // is shifted at random by up to `max_shift` pixels (data/augment.hpp); 0: not.
  // `targets`, if not empty, holds the split's target distributions to fit
  // instead of its labels (target_row).
  float run(Params& params, const Split& split, std::span<const std::size_t> indices, int max_shift,
            std::mt19937& noise, std::span<const float> targets = {});

 private:
  template <std::size_t B>
  using ShardGraph = ModelGraph<Model, K, B>;

  struct Worker {
    explicit Worker(float dropout);
    // B examples on `graph`: their gradient (scaled by `scale`) into `slot`,
    // their loss sum returned.
    template <std::size_t B>
    float run(ShardGraph<B>& graph, const Split& split, std::span<const std::size_t> indices, int max_shift,
              float scale, float* slot, std::span<const float> targets);

    std::unique_ptr<Params> params;
    std::mt19937 noise;
    DropoutControl control{&noise, true};
    std::unique_ptr<ShardGraph<shard_size>> eight;
    std::unique_ptr<ShardGraph<1>> one;
  };

  // A slot: a shard's gradient (`parameters` floats), then its loss sum.
  static constexpr std::size_t slot_size = parameters + 1;

  ThreadPool& pool_;
  const Processes& processes_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::size_t batch_, max_shards_;
  std::vector<float> slots_;  // one slot per shard
  std::vector<std::uint32_t> seeds_;
  std::vector<float> total_;  // several processes: the sum of all slots
  std::vector<int> counts_;   // several processes: each rank's shards
};

// The members are defined out of the class (not implicitly inline), so a
// program can instantiate a model's step in a translation unit of its own:
//   extern template class ctgrad::train::DataParallelStep<Model, K>;  // where it is used
//   template class ctgrad::train::DataParallelStep<Model, K>;         // in one other file
// (lenet1/ and micro_vit/ do, to keep each file's compile short).
template <class Model, class K>
DataParallelStep<Model, K>::DataParallelStep(std::size_t batch, float dropout, ThreadPool& pool,
                                             const Processes& processes)
    : pool_(pool),
      processes_(processes),
      batch_(batch),
      max_shards_(batch / shard_size + std::min<std::size_t>(batch, shard_size - 1)),
      slots_(max_shards_ * slot_size),
      seeds_(max_shards_),
      total_(processes.distributed() ? slot_size : 0),
      counts_(static_cast<std::size_t>(processes.size())) {
  for (unsigned t = 0; t < pool.size(); ++t) workers_.push_back(std::make_unique<Worker>(dropout));
}

template <class Model, class K>
DataParallelStep<Model, K>::~DataParallelStep() = default;

template <class Model, class K>
float DataParallelStep<Model, K>::run(Params& params, const Split& split, std::span<const std::size_t> indices,
                                      int max_shift, std::mt19937& noise, std::span<const float> targets) {
  const std::size_t n = indices.size();
  const std::size_t eights = n / shard_size, shards = eights + n % shard_size;
  if (n == 0 || n > batch_)
    throw std::logic_error("DataParallelStep::run: " + std::to_string(n) +
                           " examples, more than the batch it was built for (or none)");
  for (std::size_t k = 0; k < shards; ++k) seeds_[k] = noise();
  const float scale = 1.f / static_cast<float>(n);
  // This rank's shards (all of them in one process).
  const Share mine = share_of(shards, processes_.rank(), processes_.size());
  // Threads beyond the shard count would only wait at the barriers: a
  // batch of one shard runs on the calling thread, without the pool.
  const unsigned threads =
      static_cast<unsigned>(std::min<std::size_t>(pool_.size(), std::max<std::size_t>(mine.last - mine.first, 1)));
  const bool pooled = threads > 1;
  auto run_shard = [&](Worker& worker, std::size_t k) {
    float* slot = slots_.data() + k * slot_size;
    worker.noise.seed(seeds_[k]);
    slot[parameters] =
        k < eights ? worker.run(*worker.eight, split, indices.subspan(k * shard_size, shard_size), max_shift, scale,
                                slot, targets)
                   : worker.run(*worker.one, split, indices.subspan(eights * shard_size + (k - eights), 1), max_shift,
                                scale, slot, targets);
  };
  if (processes_.distributed()) {
    // This rank's shards on its threads, then the sum over all ranks' slots
    // in shard order (ranks hold contiguous blocks of shards, in rank order).
    auto shards_job = [&](unsigned t) {
      if (t >= threads) return;
      Worker& worker = *workers_[t];
      copy_values(parameter_refs(std::as_const(params)), parameter_refs(*worker.params));
      for (std::size_t k = mine.first + t; k < mine.last; k += threads) run_shard(worker, k);
    };
    if (pooled)
      pool_.run(shards_job);
    else
      shards_job(0);
    for (int r = 0; r < processes_.size(); ++r) {
      const Share theirs = share_of(shards, r, processes_.size());
      counts_[static_cast<std::size_t>(r)] = static_cast<int>(theirs.last - theirs.first);
    }
    processes_.ordered_sum(
        total_, std::span<const float>(slots_).subspan(mine.first * slot_size, (mine.last - mine.first) * slot_size),
        counts_);
    const float* from = total_.data();
    for (const ParameterRef& master : parameter_refs(params)) {
      std::copy(from, from + master.grad.size(), master.grad.begin());
      from += master.grad.size();
    }
    return total_[parameters] / static_cast<float>(n);
  }

  // One process: the shards, then the sum of their slots.
  const unsigned summers = static_cast<unsigned>(std::min<std::size_t>(pool_.size(), shards));
  const bool pooled_sum = summers > 1;
  auto job = [&](unsigned t) {
    if (t >= summers) {  // no shard and no share of the sum
      pool_.sync();
      return;
    }
    Worker& worker = *workers_[t];
    copy_values(parameter_refs(std::as_const(params)), parameter_refs(*worker.params));
    for (std::size_t k = t; k < shards; k += summers) run_shard(worker, k);
    if (pooled_sum) pool_.sync();
    // Thread t's share of the elements, each summed over the slots in
    // shard order.
    const std::size_t begin = parameters * t / summers, end = parameters * (t + 1) / summers;
    std::size_t offset = 0;
    for (const ParameterRef& master : parameter_refs(params)) {
      const std::size_t first = std::max(begin, offset), last = std::min(end, offset + master.grad.size());
      if (first < last) {
        float* sum = master.grad.data() - offset;
        std::copy(slots_.data() + first, slots_.data() + last, sum + first);
        for (std::size_t k = 1; k < shards; ++k) {
          const float* slot = slots_.data() + k * slot_size;
          for (std::size_t i = first; i < last; ++i) sum[i] += slot[i];
        }
      }
      offset += master.grad.size();
    }
  };
  if (pooled_sum)
    pool_.run(job);
  else
    job(0);

  float loss_sum = 0;
  for (std::size_t k = 0; k < shards; ++k) loss_sum += slots_[k * slot_size + parameters];
  return loss_sum / static_cast<float>(n);
}

template <class Model, class K>
DataParallelStep<Model, K>::Worker::Worker(float dropout)
    : params(std::make_unique<Params>()),
      eight(std::make_unique<ShardGraph<shard_size>>(Model::loss(*params, control, dropout))),
      one(std::make_unique<ShardGraph<1>>(Model::loss(*params, control, dropout))) {}

template <class Model, class K>
template <std::size_t B>
float DataParallelStep<Model, K>::Worker::run(ShardGraph<B>& graph, const Split& split,
                                              std::span<const std::size_t> indices, int max_shift, float scale,
                                              float* slot, std::span<const float> targets) {
  zero_grad(*params);
  for (std::size_t b = 0; b < B; ++b) {
    const auto image = example<Model>(split, indices[b]);
    load_example<Model>(graph, b, image, split.labels[indices[b]], target_row<Model>(targets, indices[b]));
    if (max_shift > 0)
      data::random_shift<typename Model::image_shape>(image, graph.template input<"x">(b).span(), noise, max_shift);
  }
  graph.forward();
  graph.backward(scale);
  for (const ParameterRef& p : parameter_refs(*params)) slot = std::copy(p.grad.begin(), p.grad.end(), slot);
  float loss_sum = 0;
  for (std::size_t b = 0; b < B; ++b) loss_sum += graph.loss(b);
  return loss_sum;
}

}  // namespace ctgrad::train
