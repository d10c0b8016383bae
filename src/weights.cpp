// ctgrad's compiled part for the project's own targets, built with
// CTGRAD_SEPARATE_COMPILATION (CMakeLists.txt, ctgrad_compiled): a model's
// parameters to and from safetensors files, as weights and as checkpoints,
// on their run-time views (ParameterRef), compiled once for every model.
// One file for each part of <ctgrad/impl/src.hpp>, so that they compile
// side by side.
#include <ctgrad/nn/impl/weights.ipp>
#include <ctgrad/train/impl/checkpoint.ipp>
