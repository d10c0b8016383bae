// The teacher's one-example graph (micro_vit/teacher.hpp), the only part of
// it distillation runs, compiled once for the program (instances.hpp
// declares it compiled here).
#include "micro_vit/instances.hpp"

CTGRAD_INSTANTIATE_MODEL_GRAPH(micro_vit::teacher::Model, ctgrad::kernels::Selected);
