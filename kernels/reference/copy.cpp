// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status copy(const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference copy: not implemented");
}

}  // namespace odin::ref
