// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status depth_to_space(const BlockAttrs&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference depth_to_space: not implemented");
}

Status space_to_depth(const BlockAttrs&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference space_to_depth: not implemented");
}

}  // namespace odin::ref
