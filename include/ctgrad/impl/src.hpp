#pragma once
// ctgrad's compiled part, for a program built with
// CTGRAD_SEPARATE_COMPILATION (ctgrad/detail/separate_compilation.hpp):
// include this in exactly one source file of the program, compiled with the
// same definition. In a header-only build it defines nothing new.
#include "ctgrad/io/impl/onnx.ipp"
#include "ctgrad/io/impl/safetensors.ipp"
#include "ctgrad/nn/impl/weights.ipp"
#include "ctgrad/train/impl/checkpoint.ipp"
#include "ctgrad/train/impl/config.ipp"
#include "ctgrad/train/impl/processes.ipp"
