// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status dequantize(const ConstTensorView&, const QuantParams*, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference dequantize: not implemented");
}

}  // namespace odin::ref
