// PRELU: x >= 0 ? x : alpha * x, with alpha broadcast against x.
#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/broadcast.h"

namespace odin::ref {

Status prelu(const ConstTensorView& in, const ConstTensorView& alpha, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype("PRELU", in, out));
  ODIN_RETURN_IF_ERROR(expect_same_dtype("PRELU", alpha, out));
  if (in.dtype != DType::kF32)
    return make_error(StatusCode::kUnsupported, "PRELU: dtype ", dtype_name(in.dtype));
  Shape shape;
  if (!broadcast_shapes(in.shape, alpha.shape, &shape))
    return make_error(StatusCode::kInvalidArgument, "PRELU: alpha shape ", alpha.shape.str(),
                      " does not broadcast to ", in.shape.str());
  ODIN_RETURN_IF_ERROR(expect_out_shape("PRELU", out, shape));
  const float* x = in.as<float>();
  const float* a = alpha.as<float>();
  float* y = out.as<float>();
  int64_t o = 0;
  walk(shape.dims(),
       std::array<std::vector<int64_t>, 2>{broadcast_strides(in.shape, shape.rank()),
                                           broadcast_strides(alpha.shape, shape.rank())},
       {0, 0}, [&](const std::array<int64_t, 2>& i) {
         const float v = x[i[0]];
         y[o++] = v >= 0.0f ? v : v * a[i[1]];
       });
  return Status();
}

Status prelu_node(const KernelArgs& args) {
  return prelu(args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
