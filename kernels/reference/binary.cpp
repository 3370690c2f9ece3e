// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status binary(OpType, const BinaryAttrs&, const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference binary: not implemented");
}

}  // namespace odin::ref
