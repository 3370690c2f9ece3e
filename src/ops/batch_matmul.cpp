// BATCH_MATMUL shape inference: x [..., M, K] (adj_x: [..., K, M]) times
// y [..., K, N] (adj_y: [..., N, K]); batch dims broadcast numpy-style.
// Ranks 2..5 as TFLite's batch_matmul.cc.
#include <algorithm>

#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/window.h"
#include "ops/work.h"

namespace odin {

static Status infer_batch_matmul(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const BatchMatMulAttrs* a = node_attrs<BatchMatMulAttrs>(ctx);
  if (!a) return ctx.fail("missing BATCH_MATMUL attributes");
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(1, DType::kF32));
  const Shape& x = ctx.input_shape(0);
  const Shape& y = ctx.input_shape(1);
  if (x.rank() < 2 || x.rank() > 5 || y.rank() < 2 || y.rank() > 5)
    return ctx.fail("inputs must have rank 2 to 5, have ", x.str(), " and ", y.str());
  const size_t rx = x.rank(), ry = y.rank();
  const int64_t m = a->adj_x ? x[rx - 1] : x[rx - 2];
  const int64_t kx = a->adj_x ? x[rx - 2] : x[rx - 1];
  const int64_t ky = a->adj_y ? y[ry - 1] : y[ry - 2];
  const int64_t n = a->adj_y ? y[ry - 2] : y[ry - 1];
  if (kx != kDynamicDim && ky != kDynamicDim && kx != ky)
    return ctx.fail("contraction sizes differ: x ", x.str(), (a->adj_x ? " (adj_x)" : ""), " has ",
                    kx, ", y ", y.str(), (a->adj_y ? " (adj_y)" : ""), " has ", ky);
  const size_t rank = std::max(rx, ry);
  Shape out(std::vector<int64_t>(rank, 1));
  for (size_t i = 2; i < rank; ++i) {  // i counts from the end
    const int64_t dx = i < rx ? x[rx - 1 - i] : 1;
    const int64_t dy = i < ry ? y[ry - 1 - i] : 1;
    int64_t d;
    if (dx == dy || dy == 1) {
      d = dx;
    } else if (dx == 1) {
      d = dy;
    } else if (dx == kDynamicDim || dy == kDynamicDim) {
      d = dx == kDynamicDim ? dy : dx;  // the static one wins; the dynamic one must match it
    } else {
      return ctx.fail("batch dims of x ", x.str(), " and y ", y.str(), " do not broadcast");
    }
    out[rank - 1 - i] = d;
  }
  out[rank - 2] = m;
  out[rank - 1] = n;
  ODIN_RETURN_IF_ERROR(check_output_size(ctx, out));
  ctx.set_output(0, DType::kF32, std::move(out));
  return Status();
}

namespace ref {
Status batch_matmul_node(const KernelArgs& args);  // kernels/reference/batch_matmul.cpp
}

// MACs: every output element is a dot product over K.
static int64_t batch_matmul_work(const Graph& g, const Node& n) {
  const Shape& x = g.value(n.inputs[0]).shape;
  const auto* a = std::get_if<BatchMatMulAttrs>(&n.attrs);
  const size_t r = x.rank();
  if (r < 2 || !a) return -1;
  return work::mul(work::elements(g, n.outputs[0]), a->adj_x ? x[r - 2] : x[r - 1]);
}

ODIN_DEFINE_OP(kBatchMatMul, .infer = infer_batch_matmul, .reference = ref::batch_matmul_node,
               .work = batch_matmul_work, .macs_are_flops = true);

}  // namespace odin
