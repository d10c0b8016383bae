#pragma once
// The micro-ViT's training graphs and minibatch step (on kernels::Selected) are
// compiled once, in the micro_vit_model library (instances.cpp.in); every
// other file that trains, evaluates or benchmarks the model includes this
// and links that library (ctgrad/train/instantiate.hpp).
#include <ctgrad/train/instantiate.hpp>

#include "micro_vit/model.hpp"

CTGRAD_EXTERN_MODEL(micro_vit::Model, ctgrad::kernels::Selected);
