// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status fully_connected(const FullyConnectedAttrs&, const ConstTensorView&, const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference fully_connected: not implemented");
}

}  // namespace odin::ref
