// The model's training graph and minibatch step on the SIMD path, compiled
// here once (model.hpp declares them extern for main.cpp), so the program
// builds as two files of about ten seconds each instead of one of thirty.
#include "model.hpp"

CTGRAD_INSTANTIATE_MODEL(own_data::Model, ctgrad::kernels::Selected);
