// The training run, in a translation unit of its own: it runs whichever
// kernel set --kernels selects (kernels::Selected). The model's
// graph and minibatch step, and the teacher's graph (--teacher: a modern
// LeNet-1's weights, micro_vit/teacher.hpp), come compiled from micro_vit_model.
#include <ctgrad/train/trainer.hpp>

#include "micro_vit/instances.hpp"
#include "micro_vit/run.hpp"

namespace micro_vit {

using namespace ctgrad::train;

static_assert(Model::image_shape::dims == example_dims && Model::classes == example_classes,
              "micro_vit/run.hpp: example_dims and example_classes must be what the Model reads and scores");

template <class K>
std::vector<PassResult> train_on(const TrainConfig& config, const Split& train_split, const Split& test_split,
                                 const RunPaths& paths) {
  return run_training<Model, K, teacher::Model>(
      config, train_split, test_split, paths, [&](Params& params) { initialize(params, config.seed); });
}

template std::vector<PassResult> train_on<ctgrad::kernels::Selected>(const TrainConfig&, const Split&, const Split&,
                                                                   const RunPaths&);

}  // namespace micro_vit
