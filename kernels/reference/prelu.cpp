// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status prelu(const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference prelu: not implemented");
}

}  // namespace odin::ref
