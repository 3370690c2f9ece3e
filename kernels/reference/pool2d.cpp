// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status average_pool2d(const Pool2DAttrs&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference average_pool2d: not implemented");
}

Status max_pool2d(const Pool2DAttrs&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference max_pool2d: not implemented");
}

}  // namespace odin::ref
