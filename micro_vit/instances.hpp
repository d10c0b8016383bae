#pragma once
// The micro-ViT's training graphs and minibatch step (on kernels::Selected),
// and its teacher's graph, are compiled once, in the micro_vit_model library
// (instances.cpp.in, teacher.cpp); every other file that trains, evaluates
// or benchmarks the model includes this and links that library
// (ctgrad/train/instantiate.hpp).
#include <ctgrad/train/instantiate.hpp>

#include "micro_vit/model.hpp"
#include "micro_vit/teacher.hpp"

CTGRAD_EXTERN_MODEL(micro_vit::Model, ctgrad::kernels::Selected);
// The teacher is only evaluated (train/distill.hpp): its one-example graph.
extern template class ctgrad::Graph<ctgrad::train::loss_expression<micro_vit::teacher::Model>,
                                    ctgrad::kernels::Selected, 1>;
