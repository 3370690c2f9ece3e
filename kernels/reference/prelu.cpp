// PRELU: x >= 0 ? x : alpha * x, with alpha broadcast against x; float32,
// or int8/uint8 with TFLite's integer arithmetic.
#include <algorithm>

#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/broadcast.h"
#include "quant/affine.h"

namespace odin::ref {

namespace {

// The loop over the broadcast shape: out element o = f(x index, alpha index).
template <typename F>
Status prelu_walk(const ConstTensorView& in, const ConstTensorView& alpha, const TensorView& out,
                  const F& f) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype("PRELU", in, out));
  ODIN_RETURN_IF_ERROR(expect_same_dtype("PRELU", alpha, out));
  Shape shape;
  if (!broadcast_shapes(in.shape, alpha.shape, &shape))
    return make_error(StatusCode::kInvalidArgument, "PRELU: alpha shape ", alpha.shape.str(),
                      " does not broadcast to ", in.shape.str());
  ODIN_RETURN_IF_ERROR(expect_out_shape("PRELU", out, shape));
  int64_t o = 0;
  walk(shape.dims(),
       std::array<std::vector<int64_t>, 2>{broadcast_strides(in.shape, shape.rank()),
                                           broadcast_strides(alpha.shape, shape.rank())},
       {0, 0}, [&](const std::array<int64_t, 2>& i) { f(o++, i[0], i[1]); });
  return Status();
}

// int8/uint8 (TFLite's reference PRELU): x - zero_x >= 0 rescaled by
// scale_x / scale_out, else (x - zero_x)(alpha - zero_alpha) rescaled by
// scale_x scale_alpha / scale_out (both multipliers from float32 products,
// as prelu.cc), + zero_out, clamped.
template <typename T>
Status prelu_affine(const KernelArgs& args) {
  const Graph& g = args.graph;
  const Value& vx = g.value(args.node.inputs[0]);
  const Value& va = g.value(args.node.inputs[1]);
  const Value& vy = g.value(args.node.outputs[0]);
  for (const Value* v : {&vx, &va, &vy})
    if (!v->quant || v->quant->scales.empty())
      return bad_shape("prelu", "quantized operand '", v->name, "' has no scale");
  const float sx = scale_of(*vx.quant, 0), sa = scale_of(*va.quant, 0), sy = scale_of(*vy.quant, 0);
  const FixedPointMultiplier identity = quantize_multiplier(static_cast<double>(sx / sy));
  const FixedPointMultiplier slope = quantize_multiplier(static_cast<double>(sx * sa / sy));
  const int32_t zx = zero_point_of(*vx.quant, 0), za = zero_point_of(*va.quant, 0);
  const int32_t zy = zero_point_of(*vy.quant, 0);
  const QuantizedRange r = dtype_range(vy.dtype);
  const TensorView& out = args.outputs[0];
  const T* x = args.input(0).as<T>();
  const T* a = args.input(1).as<T>();
  T* y = out.as<T>();
  return prelu_walk(args.input(0), args.input(1), out, [&](int64_t o, int64_t i, int64_t j) {
    const int32_t v = static_cast<int32_t>(x[i]) - zx;
    const int32_t s =
        v >= 0 ? multiply_by_quantized_multiplier(v, identity)
               : multiply_by_quantized_multiplier(v * (static_cast<int32_t>(a[j]) - za), slope);
    y[o] = static_cast<T>(std::clamp<int64_t>(int64_t{s} + zy, r.min, r.max));
  });
}

}  // namespace

Status prelu(const ConstTensorView& in, const ConstTensorView& alpha, const TensorView& out) {
  if (in.dtype != DType::kF32)
    return make_error(StatusCode::kUnsupported, "PRELU: dtype ", dtype_name(in.dtype));
  const float* x = in.as<float>();
  const float* a = alpha.as<float>();
  float* y = out.as<float>();
  return prelu_walk(in, alpha, out, [&](int64_t o, int64_t i, int64_t j) {
    y[o] = x[i] >= 0.0f ? x[i] : x[i] * a[j];
  });
}

Status prelu_node(const KernelArgs& args) {
  if (args.input(0).dtype == DType::kI8) return prelu_affine<int8_t>(args);
  if (args.input(0).dtype == DType::kU8) return prelu_affine<uint8_t>(args);
  return prelu(args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
