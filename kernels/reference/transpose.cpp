// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status transpose(const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference transpose: not implemented");
}

}  // namespace odin::ref
