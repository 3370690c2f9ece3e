// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status pad(const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference pad: not implemented");
}

}  // namespace odin::ref
