// PAD with zeros: clear the output, then copy the input into its interior.
#include <cstring>

#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/quantized.h"

namespace odin::ref {

Status pad(const ConstTensorView& in, const ConstTensorView& paddings, const TensorView& out,
           uint8_t fill) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype("PAD", in, out));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> pads, read_ints(paddings, "PAD paddings"));
  const size_t rank = in.shape.rank();
  if (pads.size() != 2 * rank)
    return make_error(StatusCode::kInvalidArgument, "PAD: paddings have ", pads.size(),
                      " values, expected ", 2 * rank);
  Shape expected = in.shape;
  int64_t base = 0;  // output offset of input element 0
  for (size_t d = 0; d < rank; ++d) {
    if (pads[2 * d] < 0 || pads[2 * d + 1] < 0 || pads[2 * d] > kMaxTensorElements ||
        pads[2 * d + 1] > kMaxTensorElements)
      return make_error(StatusCode::kInvalidArgument, "PAD: bad paddings for dim ", d);
    expected[d] += pads[2 * d] + pads[2 * d + 1];
  }
  ODIN_RETURN_IF_ERROR(expect_out_shape("PAD", out, expected));
  const std::vector<int64_t> out_strides = row_major_strides(out.shape);
  for (size_t d = 0; d < rank; ++d) base += pads[2 * d] * out_strides[d];

  const size_t elem = dtype_size(in.dtype);
  if (out.num_elements() == 0) return Status();
  std::memset(out.data, fill, static_cast<size_t>(out.num_elements()) * elem);
  int64_t i = 0;
  walk(in.shape.dims(), std::array<std::vector<int64_t>, 1>{out_strides}, {base},
       [&](const std::array<int64_t, 1>& o) { copy_element(out.data, o[0], in.data, i++, elem); });
  return Status();
}

Status pad_node(const KernelArgs& args) {
  return pad(args.input(0), args.input(1), args.outputs[0],
             pad_fill_byte(args.graph.value(args.node.outputs[0])));
}

}  // namespace odin::ref
