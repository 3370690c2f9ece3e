// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status batch_matmul(const BatchMatMulAttrs&, const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference batch_matmul: not implemented");
}

}  // namespace odin::ref
