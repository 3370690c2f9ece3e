// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status slice(const ConstTensorView&, const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference slice: not implemented");
}

}  // namespace odin::ref
