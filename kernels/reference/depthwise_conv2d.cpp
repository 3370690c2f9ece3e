// STUB: to be implemented.
#include "kernels/reference/reference.h"

namespace odin::ref {

Status depthwise_conv2d(const DepthwiseConv2DAttrs&, const ConstTensorView&, const ConstTensorView&, const ConstTensorView&, const TensorView&) {
  return make_error(StatusCode::kUnsupported, "reference depthwise_conv2d: not implemented");
}

}  // namespace odin::ref
