// Reference DEQUANTIZE: float16 -> float32 exactly; affine int8/uint8/int16
// -> float32 as real = scale * (q - zero_point), per tensor or per channel
// along quant->axis (TFLite reference_ops::Dequantize / PerChannelDequantize;
// the product is exact in double, so rounding it once to float matches both).
#include <cstring>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "quant/fp16.h"

namespace odin::ref {
namespace {

template <typename T>
Status affine(const ConstTensorView& in, const QuantParams& q, const TensorView& out) {
  const size_t nscales = q.scales.size();
  if (nscales == 0) return bad_shape("dequantize", "no quantization scales");
  if (!q.zero_points.empty() && q.zero_points.size() != nscales)
    return bad_shape("dequantize", nscales, " scales but ", q.zero_points.size(), " zero points");
  // Per channel: channel of flat index i is (i / inner) % nscales.
  int64_t inner = 1;
  if (nscales > 1) {
    if (q.axis < 0 || static_cast<size_t>(q.axis) >= in.shape.rank() ||
        in.shape[static_cast<size_t>(q.axis)] != static_cast<int64_t>(nscales))
      return bad_shape("dequantize", nscales, " per-channel scales do not fit axis ", q.axis,
                       " of ", in.shape.str());
    for (size_t d = static_cast<size_t>(q.axis) + 1; d < in.shape.rank(); ++d) inner *= in.shape[d];
  }
  const T* x = in.as<T>();
  float* y = out.as<float>();
  const int64_t n = in.num_elements();
  for (int64_t i = 0; i < n; ++i) {
    const size_t c =
        nscales > 1 ? static_cast<size_t>((i / inner) % static_cast<int64_t>(nscales)) : 0;
    const int64_t zp = q.zero_points.empty() ? 0 : q.zero_points[c];
    const double real = static_cast<double>(q.scales[c]) * static_cast<double>(x[i] - zp);
    y[i] = static_cast<float>(real);
  }
  return Status();
}

}  // namespace

Status dequantize(const ConstTensorView& in, const QuantParams* quant, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_f32("dequantize", "output", out));
  if (!valid_view(in) || out.num_elements() != in.num_elements())
    return bad_shape("dequantize", "input ", in.shape.str(), " and output ", out.shape.str(),
                     " must be static and the same size");
  switch (in.dtype) {
    case DType::kF16:  // exact either way; the SIMD conversion makes model loads fast
      fp16_to_fp32(static_cast<const uint8_t*>(in.data), out.as<float>(),
                   static_cast<size_t>(in.num_elements()));
      return Status();
    case DType::kI8:
    case DType::kU8:
    case DType::kI16:
      if (!quant)
        return bad_shape("dequantize", dtype_name(in.dtype), " input has no quantization");
      if (in.dtype == DType::kI8) return affine<int8_t>(in, *quant, out);
      if (in.dtype == DType::kU8) return affine<uint8_t>(in, *quant, out);
      return affine<int16_t>(in, *quant, out);
    default:
      return make_error(StatusCode::kUnsupported, "reference dequantize: input dtype ",
                        dtype_name(in.dtype), " is not supported");
  }
}

Status dequantize_node(const KernelArgs& args) {
  const Value& v = args.graph.value(args.node.inputs[0]);
  return dequantize(args.input(0), v.quant ? &*v.quant : nullptr, args.outputs[0]);
}

}  // namespace odin::ref
