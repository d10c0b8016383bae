#pragma once
// Compiling a model's training code once per program.
//
// A model's graph is one large type: its forward and backward schedule are
// most of the compile time of any file that trains,
// evaluates or benchmarks it (docs/performance.md, "Build time"). Left
// implicit, every such file compiles that schedule again. Instead, one file
// compiles it, for kernels::Selected (which runs any kernel set):
//
//   // my_model.cpp
//   #include "my_model.hpp"
//   CTGRAD_INSTANTIATE_MODEL(my::Model, ctgrad::kernels::Selected);
//
// and the model's header, which every other file of the program includes,
// declares it compiled elsewhere:
//
//   #include <ctgrad/train/instantiate.hpp>
//   ...
//   CTGRAD_EXTERN_MODEL(my::Model, ctgrad::kernels::Selected);
//
// What is compiled once: the model's per-example training graph
// (ModelGraph<Model, K>: the trainer's, evaluation's and the benchmarks'
// graph, whose constructor, forward() and backward(float) are defined
// outside the class for this), the minibatch step's shard graph
// (ModelGraph<Model, K, shard_examples>) and the minibatch step
// (DataParallelStep). For a large model the three parts can go in three
// files, so they compile side by side (CTGRAD_INSTANTIATE_MODEL_GRAPH,
// _SHARD_GRAPH, _STEP; the step's file declares the two graphs extern with
// CTGRAD_EXTERN_MODEL_GRAPHS). A file that forgets the extern declaration still
// builds and runs; it only compiles the schedule again.
#include "ctgrad/graph/compile.hpp"
#include "ctgrad/train/data_parallel.hpp"
#include "ctgrad/train/model.hpp"

#define CTGRAD_INSTANTIATE_MODEL_GRAPH(Model, K) \
  template class ::ctgrad::Graph<::ctgrad::train::loss_expression<Model>, K, 1>
#define CTGRAD_INSTANTIATE_MODEL_SHARD_GRAPH(Model, K) \
  template class ::ctgrad::Graph<::ctgrad::train::loss_expression<Model>, K, ::ctgrad::train::shard_examples>
#define CTGRAD_INSTANTIATE_MODEL_STEP(Model, K) template class ::ctgrad::train::DataParallelStep<Model, K>

#define CTGRAD_INSTANTIATE_MODEL(Model, K)         \
  CTGRAD_INSTANTIATE_MODEL_GRAPH(Model, K);        \
  CTGRAD_INSTANTIATE_MODEL_SHARD_GRAPH(Model, K);  \
  CTGRAD_INSTANTIATE_MODEL_STEP(Model, K)

// The per-example graph alone: all a model that is only evaluated needs
// (a --teacher's, train/distill.hpp).
#define CTGRAD_EXTERN_MODEL_GRAPH(Model, K) \
  extern template class ::ctgrad::Graph<::ctgrad::train::loss_expression<Model>, K, 1>
// The step's graphs, compiled in their own files: what the file of the
// step (CTGRAD_INSTANTIATE_MODEL_STEP) declares, so that it compiles the
// step's own code, not the shard graph's schedule again.
#define CTGRAD_EXTERN_MODEL_GRAPHS(Model, K)                                          \
  CTGRAD_EXTERN_MODEL_GRAPH(Model, K);                                                \
  extern template class ::ctgrad::Graph<::ctgrad::train::loss_expression<Model>, K, \
                                        ::ctgrad::train::shard_examples>

#define CTGRAD_EXTERN_MODEL(Model, K)    \
  CTGRAD_EXTERN_MODEL_GRAPHS(Model, K); \
  extern template class ::ctgrad::train::DataParallelStep<Model, K>
