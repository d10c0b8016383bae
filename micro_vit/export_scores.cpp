#include <ctgrad/train/export.hpp>

#include "micro_vit/export.hpp"
#include "micro_vit/instances.hpp"

namespace micro_vit {

void write_test_scores(Params& params, const ctgrad::train::ExportRequest& request, std::ostream& log) {
  ctgrad::train::write_test_scores<Model>(params, request, log);
}

}  // namespace micro_vit
