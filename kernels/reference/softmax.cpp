// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status softmax(const SoftmaxAttrs&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference softmax: not implemented");
}

}  // namespace odin::ref
