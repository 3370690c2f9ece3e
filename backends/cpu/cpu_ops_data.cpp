// Data movement: GATHER_ND with constant indices as row copies (the slice
// offsets resolved and checked at compile time). Run-time indices are left
// to the reference kernel, which reports a tuple out of range.
#include <algorithm>
#include <cstring>

#include "backends/cpu/cpu_op.h"
#include "core/const_data.h"
#include "ops/gather_nd_logic.h"

namespace odin {
namespace {

class GatherRowsOp final : public CpuOp {
 public:
  GatherRowsOp(std::vector<int64_t> offsets, size_t row_bytes, size_t elem)
      : offsets_(std::move(offsets)), row_bytes_(row_bytes), elem_(elem) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const auto* src = in[0].as<uint8_t>();
    auto* dst = out[0].as<uint8_t>();
    // Enough rows per task that a task moves at least ~16 KiB.
    const int64_t grain = std::max<int64_t>(1, 16384 / static_cast<int64_t>(row_bytes_ + 1));
    pool.parallel_for(
        static_cast<int64_t>(offsets_.size()), grain, [&](int64_t t0, int64_t t1, int) {
          for (int64_t t = t0; t < t1; ++t)
            std::memcpy(dst + static_cast<size_t>(t) * row_bytes_,
                        src + static_cast<size_t>(offsets_[static_cast<size_t>(t)]) * elem_,
                        row_bytes_);
        });
  }

 private:
  std::vector<int64_t> offsets_;  // element offset of each tuple's slice in params
  size_t row_bytes_, elem_;
};

std::unique_ptr<CpuOp> make_gather_nd(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  if (n.inputs.size() != 2 || n.outputs.size() != 1) return nullptr;
  const Value& params = g.value(n.inputs[0]);
  const Value& out = g.value(n.outputs[0]);
  if (params.is_constant() || !params.shape.is_static() || !out.shape.is_static()) return nullptr;
  if (params.dtype != out.dtype || dtype_size(params.dtype) == 0) return nullptr;
  const std::optional<std::vector<int64_t>> idx = read_int_constant(g.value(n.inputs[1]));
  if (!idx) return nullptr;
  auto plan = plan_gather_nd(params.shape, g.value(n.inputs[1]).shape);
  if (!plan.ok() || plan->out != out.shape) return nullptr;
  auto offsets = gather_nd_offsets(*plan, *idx);
  if (!offsets.ok() || plan->slice_size <= 0) return nullptr;  // the reference reports it
  const size_t elem = dtype_size(params.dtype);
  auto op = std::make_unique<GatherRowsOp>(std::move(*offsets),
                                           static_cast<size_t>(plan->slice_size) * elem, elem);
  op->reads = {n.inputs[0]};
  op->writes = n.outputs;
  return op;
}

constexpr CpuOpEntry kEntries[] = {{OpType::kGatherNd, make_gather_nd}};

}  // namespace

std::span<const CpuOpEntry> cpu_data_ops() {
  return kEntries;
}

}  // namespace odin
