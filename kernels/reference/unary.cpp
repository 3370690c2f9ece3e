// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status unary(OpType, const OpAttrs&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference unary: not implemented");
}

}  // namespace odin::ref
