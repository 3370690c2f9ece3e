// GATHER_ND: output slice t is the params slice at index tuple t
// (indices[t, :]), copied whole.
#include <cstring>

#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/gather_nd_logic.h"

namespace odin::ref {

Status gather_nd(const ConstTensorView& params, const ConstTensorView& indices,
                 const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype("GATHER_ND", params, out));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> idx, read_ints(indices, "GATHER_ND indices"));
  auto plan = plan_gather_nd(params.shape, indices.shape);
  if (!plan.ok()) return plan.status().with_context("GATHER_ND");
  ODIN_RETURN_IF_ERROR(expect_out_shape("GATHER_ND", out, plan->out));
  auto offsets = gather_nd_offsets(*plan, idx);
  if (!offsets.ok()) return offsets.status().with_context("GATHER_ND");
  const size_t elem = dtype_size(params.dtype);
  const size_t block = static_cast<size_t>(plan->slice_size) * elem;
  auto* dst = static_cast<uint8_t*>(out.data);
  const auto* src = static_cast<const uint8_t*>(params.data);
  for (size_t t = 0; t < offsets->size(); ++t)
    if (block) std::memcpy(dst + t * block, src + static_cast<size_t>((*offsets)[t]) * elem, block);
  return Status();
}

Status gather_nd_node(const KernelArgs& args) {
  return gather_nd(args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
