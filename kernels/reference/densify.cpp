// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status densify(const ConstTensorView&, const SparsityParams&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference densify: not implemented");
}

}  // namespace odin::ref
