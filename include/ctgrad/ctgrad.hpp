#pragma once
// The whole library. Folders mirror the design:
//   core/     Shape, Tensor, Parameter          kernels/  scalar and xsimd paths
//   ops/      one struct per op                 graph/    compile(), schedule, summary
//   nn/       parameter reflection, init, a model's weights as safetensors
//             (save_parameters, save_gradients, load_parameters)
//   optim/    optimizers
//   io/       .npy, safetensors: the file formats (safetensors included here)
//   data/     labelled splits from .npy files, image resampling (not included here)
#include <boost/hana/define_struct.hpp>

#include "ctgrad/core/parameter.hpp"
#include "ctgrad/core/shape.hpp"
#include "ctgrad/core/tensor.hpp"
#include "ctgrad/graph/access.hpp"
#include "ctgrad/graph/compile.hpp"
#include "ctgrad/graph/curvature.hpp"
#include "ctgrad/graph/summary.hpp"
#include "ctgrad/kernels/kernels.hpp"
#include "ctgrad/nn/init.hpp"
#include "ctgrad/nn/parameters.hpp"
#include "ctgrad/nn/weights.hpp"
#include "ctgrad/ops/activation.hpp"
#include "ctgrad/ops/add.hpp"
#include "ctgrad/ops/attention.hpp"
#include "ctgrad/ops/concat.hpp"
#include "ctgrad/ops/conv2d.hpp"
#include "ctgrad/ops/cross_entropy.hpp"
#include "ctgrad/ops/dropout.hpp"
#include "ctgrad/ops/layer_norm.hpp"
#include "ctgrad/ops/matmul.hpp"
#include "ctgrad/ops/mean_tokens.hpp"
#include "ctgrad/ops/mse.hpp"
#include "ctgrad/ops/multiply.hpp"
#include "ctgrad/ops/op.hpp"
#include "ctgrad/ops/offset.hpp"
#include "ctgrad/ops/pad.hpp"
#include "ctgrad/ops/patchify.hpp"
#include "ctgrad/ops/plane_bias.hpp"
#include "ctgrad/ops/pool.hpp"
#include "ctgrad/ops/reshape.hpp"
#include "ctgrad/ops/row_bias.hpp"
#include "ctgrad/ops/scale.hpp"
#include "ctgrad/ops/slice.hpp"
#include "ctgrad/ops/softmax.hpp"
#include "ctgrad/ops/subtract.hpp"
#include "ctgrad/ops/transpose.hpp"
#include "ctgrad/optim/adamw.hpp"
#include "ctgrad/optim/schedule.hpp"
#include "ctgrad/optim/sdlm.hpp"
#include "ctgrad/optim/sgd.hpp"
