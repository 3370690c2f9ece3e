// RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR shape inference: NHWC input and a
// constant int32 size [new_h, new_w].
#include <cstdint>

#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"
#include "ops/window.h"

namespace odin {

static Status infer_resize(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const ResizeAttrs* a = node_attrs<ResizeAttrs>(ctx);
  if (!a) return ctx.fail("missing resize attributes");
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(0, 4));
  const DType dtype = ctx.input(0).dtype;
  if (is_affine_dtype(dtype))
    ODIN_RETURN_IF_ERROR(check_same_table(ctx, 0));  // int8/uint8: no rescaling
  else
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  // TFLite resize_bilinear.cc Prepare rejects this combination.
  if (ctx.node().op == OpType::kResizeBilinear && a->align_corners && a->half_pixel_centers)
    return ctx.fail("align_corners and half_pixel_centers cannot both be set");
  ODIN_ASSIGN_OR_RETURN(const std::vector<int64_t> size, ctx.const_ints(1));
  if (size.size() != 2)
    return ctx.fail("size must hold 2 values (height, width), holds ", size.size());
  // The kernels index in int32 like TFLite, so sizes stay below 2^31.
  for (int64_t d : size)
    if (d < 1 || d > INT32_MAX)
      return ctx.fail("size [", size[0], ",", size[1], "] must be positive");
  const Shape& in = ctx.input_shape(0);
  if ((in[1] != kDynamicDim && in[1] < 1) || (in[2] != kDynamicDim && in[2] < 1))
    return ctx.fail("input ", in.str(), " has an empty spatial dimension");
  Shape out({in[0], size[0], size[1], in[3]});
  ODIN_RETURN_IF_ERROR(check_output_size(ctx, out));
  ctx.set_output(0, is_affine_dtype(dtype) ? dtype : DType::kF32, std::move(out));
  return Status();
}

namespace ref {
Status resize_bilinear_node(const KernelArgs& args);  // kernels/reference/resize.cpp
Status resize_nearest_node(const KernelArgs& args);
}  // namespace ref

ODIN_DEFINE_OP(kResizeBilinear, .infer = infer_resize, .reference = ref::resize_bilinear_node);
ODIN_DEFINE_OP(kResizeNearestNeighbor, .infer = infer_resize,
               .reference = ref::resize_nearest_node);

}  // namespace odin
