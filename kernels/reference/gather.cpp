// GATHER, in the loop order of TFLite's reference Gather: for each batch and
// outer index, copy the inner block of params at each gathered coordinate.
#include <cstring>

#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/gather_logic.h"

namespace odin::ref {

Status gather(const GatherAttrs& attrs, const ConstTensorView& params,
              const ConstTensorView& indices, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype("GATHER", params, out));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> idx, read_ints(indices, "GATHER indices"));
  auto plan = plan_gather(attrs, params.shape, indices.shape);
  if (!plan.ok()) return plan.status().with_context("GATHER");
  ODIN_RETURN_IF_ERROR(expect_out_shape("GATHER", out, plan->out));

  const auto prod = [](const Shape& s, size_t from, size_t to) {
    int64_t n = 1;
    for (size_t d = from; d < to; ++d) n *= s[d];
    return n;
  };
  const size_t axis = static_cast<size_t>(plan->axis);
  const size_t bd = static_cast<size_t>(plan->batch_dims);
  const int64_t batches = prod(params.shape, 0, bd);
  const int64_t outer = prod(params.shape, bd, axis);
  const int64_t axis_size = params.shape[axis];
  const int64_t inner = prod(params.shape, axis + 1, params.shape.rank());
  const int64_t coords = prod(indices.shape, bd, indices.shape.rank());  // per batch

  for (size_t i = 0; i < idx.size(); ++i)
    if (idx[i] < 0 || idx[i] >= axis_size)
      return make_error(StatusCode::kOutOfRange, "GATHER: index ", idx[i], " at position ", i,
                        " is out of range [0, ", axis_size, ")");
  const size_t elem = dtype_size(params.dtype);
  const size_t block = static_cast<size_t>(inner) * elem;
  auto* dst = static_cast<uint8_t*>(out.data);
  const auto* src = static_cast<const uint8_t*>(params.data);
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t c = 0; c < coords; ++c) {
        const int64_t k = idx[static_cast<size_t>(b * coords + c)];
        const int64_t from = ((b * outer + o) * axis_size + k) * inner;
        const int64_t to = ((b * outer + o) * coords + c) * inner;
        if (block)
          std::memcpy(dst + to * static_cast<int64_t>(elem),
                      src + from * static_cast<int64_t>(elem), block);
      }
  return Status();
}

Status gather_node(const KernelArgs& args) {
  const auto* a = args.attrs<GatherAttrs>();
  if (!a) return missing_attrs(args);
  return gather(*a, args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
