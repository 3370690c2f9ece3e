// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status strided_slice(const StridedSliceAttrs&, const ConstTensorView&, const ConstTensorView&, const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference strided_slice: not implemented");
}

}  // namespace odin::ref
