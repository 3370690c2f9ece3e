// CONCATENATION: each input contributes a contiguous block per outer index.
#include <cstring>

#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {

Status concatenation(const ConcatenationAttrs& attrs, std::span<const ConstTensorView> ins,
                     const TensorView& out) {
  if (ins.empty()) return make_error(StatusCode::kInvalidArgument, "CONCATENATION: no inputs");
  const Shape& first = ins[0].shape;
  int64_t axis = 0;
  if (!normalize_axis(attrs.axis, first.rank(), &axis))
    return make_error(StatusCode::kInvalidArgument, "CONCATENATION: axis ", attrs.axis,
                      " out of range for rank ", first.rank());
  Shape expected = first;
  expected[static_cast<size_t>(axis)] = 0;
  for (const ConstTensorView& in : ins) {
    ODIN_RETURN_IF_ERROR(expect_same_dtype("CONCATENATION", in, out));
    bool same = in.shape.rank() == first.rank();
    for (size_t d = 0; same && d < first.rank(); ++d)
      same = static_cast<int64_t>(d) == axis || in.shape[d] == first[d];
    if (!same)
      return make_error(StatusCode::kInvalidArgument, "CONCATENATION: input shape ", in.shape.str(),
                        " does not match ", first.str());
    expected[static_cast<size_t>(axis)] += in.shape[static_cast<size_t>(axis)];
  }
  ODIN_RETURN_IF_ERROR(expect_out_shape("CONCATENATION", out, expected));
  if (attrs.activation != Activation::kNone && out.dtype != DType::kF32)
    return make_error(StatusCode::kUnsupported, "CONCATENATION: activation on ",
                      dtype_name(out.dtype));

  // outer = product of dims before the axis; each input's block is
  // in[axis] * inner elements, laid side by side in the output.
  const size_t elem = dtype_size(out.dtype);
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= first[static_cast<size_t>(d)];
  const int64_t out_block = outer > 0 ? out.num_elements() / outer : 0;
  uint8_t* dst = static_cast<uint8_t*>(out.data);
  int64_t column = 0;  // start of this input's block within an output block
  for (const ConstTensorView& in : ins) {
    const int64_t block = outer > 0 ? in.num_elements() / outer : 0;
    const auto* src = static_cast<const uint8_t*>(in.data);
    for (int64_t o = 0; o < outer && block > 0; ++o)
      std::memcpy(dst + (o * out_block + column) * static_cast<int64_t>(elem),
                  src + o * block * static_cast<int64_t>(elem), static_cast<size_t>(block) * elem);
    column += block;
  }
  if (attrs.activation != Activation::kNone) {
    float* y = out.as<float>();
    for (int64_t i = 0; i < out.num_elements(); ++i)
      y[i] = apply_activation(attrs.activation, y[i]);
  }
  return Status();
}

Status concatenation_node(const KernelArgs& args) {
  const auto* a = args.attrs<ConcatenationAttrs>();
  if (!a) return missing_attrs(args);
  return concatenation(*a, args.inputs, args.outputs[0]);
}

}  // namespace odin::ref
