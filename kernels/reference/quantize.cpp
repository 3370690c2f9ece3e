// Reference QUANTIZE (TFLite reference_ops::AffineQuantize and Requantize):
// float32 x -> zero_point + round(x / scale), ties away from zero, clamped;
// int8/uint8 q -> (q - in_zero) rescaled by in_scale / out_scale in fixed
// point (quant/affine.h) + out_zero, clamped.
#include <algorithm>

#include "kernels/reference/ref_util.h"
#include "quant/affine.h"

namespace odin::ref {
namespace {

constexpr const char* kOp = "quantize";

template <typename T>
void store(const TensorView& out, int64_t i, int32_t v) {
  out.as<T>()[i] = static_cast<T>(v);
}

// Element i of out (int8, uint8 or int16) = v.
void store_any(const TensorView& out, int64_t i, int32_t v) {
  if (out.dtype == DType::kI8) return store<int8_t>(out, i, v);
  if (out.dtype == DType::kU8) return store<uint8_t>(out, i, v);
  store<int16_t>(out, i, v);
}

template <typename T>
int32_t load(const ConstTensorView& in, int64_t i) {
  return static_cast<int32_t>(in.as<T>()[i]);
}

}  // namespace

Status quantize_node(const KernelArgs& args) {
  const ConstTensorView in = args.input(0);
  const TensorView& out = args.outputs[0];
  if (!valid_view(in) || out.num_elements() != in.num_elements())
    return bad_shape(kOp, "input ", in.shape.str(), " and output ", out.shape.str(),
                     " must be static and the same size");
  const Value& y = args.graph.value(args.node.outputs[0]);
  if (!y.quant || y.quant->scales.empty()) return bad_shape(kOp, "output has no quantization");
  if (out.dtype != DType::kI8 && out.dtype != DType::kU8 && out.dtype != DType::kI16)
    return bad_shape(kOp, "output dtype ", dtype_name(out.dtype));
  const float out_scale = scale_of(*y.quant, 0);
  const int32_t out_zero = zero_point_of(*y.quant, 0);
  const int64_t n = in.num_elements();
  if (in.dtype == DType::kF32) {
    const float* x = in.as<float>();
    for (int64_t i = 0; i < n; ++i)
      store_any(out, i, quantize_value(x[i], out_scale, out_zero, out.dtype));
    return Status();
  }
  if (in.dtype != DType::kI8 && in.dtype != DType::kU8)
    return bad_shape(kOp, "input dtype ", dtype_name(in.dtype));
  const Value& x = args.graph.value(args.node.inputs[0]);
  if (!x.quant || x.quant->scales.empty()) return bad_shape(kOp, "input has no quantization");
  const FixedPointMultiplier m = quantize_multiplier(static_cast<double>(scale_of(*x.quant, 0)) /
                                                     static_cast<double>(out_scale));
  const int32_t in_zero = zero_point_of(*x.quant, 0);
  const QuantizedRange r = dtype_range(out.dtype);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t q = in.dtype == DType::kI8 ? load<int8_t>(in, i) : load<uint8_t>(in, i);
    const int64_t v = int64_t{multiply_by_quantized_multiplier(q - in_zero, m)} + out_zero;
    store_any(out, i, static_cast<int32_t>(std::clamp<int64_t>(v, r.min, r.max)));
  }
  return Status();
}

}  // namespace odin::ref
