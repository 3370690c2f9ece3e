// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status reduce(OpType, const ReduceAttrs&, const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference reduce: not implemented");
}

}  // namespace odin::ref
