#pragma once
// LeNet-1's training graphs and minibatch steps, for each variant, are
// compiled once, in the lenet1_model library (instances.cpp.in);
// every other file that trains, evaluates or benchmarks them includes this
// and links that library (ctgrad/train/instantiate.hpp).
#include <ctgrad/train/instantiate.hpp>

#include "lenet1/train.hpp"

CTGRAD_EXTERN_MODEL(lenet1::Model<lenet1::Classic>, ctgrad::kernels::Selected);
CTGRAD_EXTERN_MODEL(lenet1::Model<lenet1::Softmax>, ctgrad::kernels::Selected);
CTGRAD_EXTERN_MODEL(lenet1::Model<lenet1::Modern>, ctgrad::kernels::Selected);
