#include <ctgrad/train/export.hpp>

#include "micro_vit/export.hpp"
#include "micro_vit/instances.hpp"

namespace micro_vit {

void write_test_scores(Params& params, const ctgrad::training::ExportRequest& request, std::ostream& log) {
  ctgrad::training::write_test_scores<Model>(params, request, log);
}

}  // namespace micro_vit
