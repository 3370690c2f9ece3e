// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status resize_bilinear(const ResizeAttrs&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference resize_bilinear: not implemented");
}

Status resize_nearest(const ResizeAttrs&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference resize_nearest: not implemented");
}

}  // namespace odin::ref
