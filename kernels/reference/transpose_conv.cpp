// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status transpose_conv(const TransposeConvAttrs&, const ConstTensorView&, const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference transpose_conv: not implemented");
}

}  // namespace odin::ref
