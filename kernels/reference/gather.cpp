// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status gather(const GatherAttrs&, const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference gather: not implemented");
}

}  // namespace odin::ref
