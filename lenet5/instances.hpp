#pragma once
// LeNet-5's training graphs and minibatch steps, for each variant, are
// compiled once, in the lenet5_model library (instances.cpp.in);
// every other file that trains, evaluates or benchmarks them includes this
// and links that library (ctgrad/train/instantiate.hpp).
#include <ctgrad/train/instantiate.hpp>

#include "lenet5/train.hpp"

CTGRAD_EXTERN_MODEL(lenet5::Model<lenet5::Paper>, ctgrad::kernels::Selected);
CTGRAD_EXTERN_MODEL(lenet5::Model<lenet5::Modern>, ctgrad::kernels::Selected);
