// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status conv2d(const Conv2DAttrs&, const ConstTensorView&, const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference conv2d: not implemented");
}

}  // namespace odin::ref
