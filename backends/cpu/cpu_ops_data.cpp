// Data movement: GATHER_ND with constant indices as row copies (the slice
// offsets resolved and checked at compile time; run-time indices are left
// to the reference kernel, which reports a tuple out of range), and
// TRANSPOSE, SLICE, STRIDED_SLICE as one strided copy of their view
// (OpDef::strided_view, contiguous axes merged): whole rows where the
// innermost axis is contiguous, element by element otherwise.
#include <algorithm>
#include <cstring>

#include "backends/cpu/cpu_op.h"
#include "core/const_data.h"
#include "ops/gather_nd_logic.h"
#include "ops/op_def.h"

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

class StridedCopyOp final : public CpuOp {
 public:
  StridedCopyOp(StridedView view, size_t elem) : v_(std::move(view)), elem_(elem) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const auto* src = in[0].as<uint8_t>();
    auto* dst = out[0].as<uint8_t>();
    const size_t rank = v_.counts.size();
    const int64_t inner = rank ? v_.counts.back() : 1;
    const int64_t inner_step = rank ? v_.steps.back() : 0;
    int64_t rows = 1;
    for (size_t d = 0; d + 1 < rank; ++d) rows *= v_.counts[d];
    const size_t row_bytes = static_cast<size_t>(inner) * elem_;
    const int64_t grain = std::max<int64_t>(1, 16384 / static_cast<int64_t>(row_bytes + 1));
    pool.parallel_for(rows, grain, [&](int64_t r0, int64_t r1, int) {
      for (int64_t r = r0; r < r1; ++r) {
        int64_t at = v_.base, i = r;
        for (size_t d = rank ? rank - 1 : 0; d-- > 0;) {  // the outer axes
          at += (i % v_.counts[d]) * v_.steps[d];
          i /= v_.counts[d];
        }
        uint8_t* row = dst + static_cast<size_t>(r) * row_bytes;
        if (inner_step == 1) {
          std::memcpy(row, src + static_cast<size_t>(at) * elem_, row_bytes);
          continue;
        }
        for (int64_t k = 0; k < inner; ++k)
          std::memcpy(row + static_cast<size_t>(k) * elem_,
                      src + static_cast<size_t>(at + k * inner_step) * elem_, elem_);
      }
    });
  }

 private:
  StridedView v_;  // compacted: rank 0 is one element at base
  size_t elem_;
};

std::unique_ptr<CpuOp> make_strided_copy(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  if (n.inputs.empty() || n.outputs.size() != 1) return nullptr;
  const Value& in = g.value(n.inputs[0]);
  const Value& out = g.value(n.outputs[0]);
  if (in.is_constant() || !in.shape.is_static() || !out.shape.is_static()) return nullptr;
  if (in.dtype != out.dtype || dtype_size(in.dtype) == 0 || out.shape.num_elements() <= 0)
    return nullptr;
  auto view = op_def(n.op).strided_view(g, n);
  if (!view.ok()) return nullptr;
  StridedView v = compact(*view);
  int64_t count = 1;
  for (int64_t c : v.counts) count *= c;
  if (count != out.shape.num_elements()) return nullptr;
  auto op = std::make_unique<StridedCopyOp>(std::move(v), dtype_size(in.dtype));
  op->reads = {n.inputs[0]};
  op->writes = n.outputs;
  return op;
}

constexpr CpuOpEntry kEntries[] = {{OpType::kGatherNd, make_gather_nd},
                                   {OpType::kTranspose, make_strided_copy},
                                   {OpType::kSlice, make_strided_copy},
                                   {OpType::kStridedSlice, make_strided_copy}};

}  // namespace

std::span<const CpuOpEntry> cpu_data_ops() {
  return kEntries;
}

}  // namespace odin
