// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status concatenation(const ConcatenationAttrs&, std::span<const ConstTensorView>, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference concatenation: not implemented");
}

}  // namespace odin::ref
