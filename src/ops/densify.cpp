// DENSIFY shape inference and the sparse-format walk shared with the kernel.
// Format (TFLite schema SparsityParameters; the walk follows
// tensorflow/lite/kernels/internal/utils/sparsity_format_converter.cc):
// an R-D tensor with B block dims is stored as T = R + B levels in
// traversal_order; level l iterates expanded dim traversal_order[l], either
// DENSE (dense_size entries) or SPARSE_CSR (for parent position p, entries
// indices[segments[p] .. segments[p+1])). Child positions are
// p * dense_size + i for DENSE and the index position i for SPARSE_CSR.
#include "ops/densify.h"

#include <algorithm>
#include <vector>

#include "core/graph.h"
#include "ops/infer_context.h"
#include "ops/op_def.h"

namespace odin {
namespace {

constexpr size_t kMaxLevels = 16;

template <typename... Args>
Status bad(const Args&... args) {
  return make_error(StatusCode::kInvalidModel, "sparsity: ", args...);
}

struct Walk {
  const SparsityParams& sp;
  size_t rank = 0;
  std::vector<int64_t> level_size;  // extent iterated at each level
  std::vector<int64_t> block_size;  // per block dim
  std::vector<int64_t> strides;     // dense row-major strides
  std::vector<int64_t> coord;       // current index at each level
  const std::function<void(int64_t)>& visit;

  // Positions only index segments (int32 arrays), so saturating them far
  // above any real array size keeps the arithmetic overflow-free.
  static constexpr int64_t kPosCap = int64_t{1} << 40;

  Status run(size_t level, int64_t pos) {
    const size_t total = sp.traversal_order.size();
    if (level == total) {
      int64_t offset = 0;
      for (size_t d = 0; d < rank; ++d) {
        // Levels 0..rank-1 hold the original dims; later levels their blocks.
        int64_t idx = 0;
        for (size_t l = 0; l < rank; ++l)
          if (static_cast<size_t>(sp.traversal_order[l]) == d) idx = coord[l];
        for (size_t l = rank; l < total; ++l) {
          const size_t b = static_cast<size_t>(sp.traversal_order[l]) - rank;
          if (static_cast<size_t>(sp.block_map[b]) == d) idx = idx * block_size[b] + coord[l];
        }
        offset += idx * strides[d];
      }
      visit(offset);
      return Status();
    }
    const SparsityParams::Dim& dim = sp.dims[level];
    const int64_t size = level_size[level];
    if (!dim.sparse) {
      for (int64_t i = 0; i < size; ++i) {
        coord[level] = i;
        const int64_t next = pos > kPosCap / size ? kPosCap : std::min(pos * size + i, kPosCap);
        ODIN_RETURN_IF_ERROR(run(level + 1, next));
      }
      return Status();
    }
    if (pos + 1 >= static_cast<int64_t>(dim.segments.size()))
      return bad("level ", level, " has ", dim.segments.size(),
                 " segments, too few for parent position ", pos);
    const auto p = static_cast<size_t>(pos);
    for (int64_t i = dim.segments[p]; i < dim.segments[p + 1]; ++i) {
      coord[level] = dim.indices[static_cast<size_t>(i)];
      ODIN_RETURN_IF_ERROR(run(level + 1, i));
    }
    return Status();
  }
};

}  // namespace

Status for_each_sparse_value(const SparsityParams& sp, const Shape& dense_shape,
                             const std::function<void(int64_t)>& visit) {
  const size_t rank = dense_shape.rank();
  const size_t nblocks = sp.block_map.size();
  const size_t total = sp.traversal_order.size();
  if (!dense_shape.is_static() || dense_shape.num_elements() < 0)
    return bad("dense shape ", dense_shape.str(), " must be static and not too large");
  if (rank == 0) return bad("dense shape must have rank >= 1");
  if (total != rank + nblocks || total > kMaxLevels)
    return bad("traversal_order has ", total, " entries, expected rank ", rank, " + ", nblocks,
               " block dims (at most ", kMaxLevels, ")");
  if (sp.dims.size() != total)
    return bad("dim_metadata has ", sp.dims.size(), " entries, expected ", total);
  // The first `rank` levels must be a permutation of the original dims and
  // the rest of the block dims (the converter indexes them that way).
  std::vector<bool> seen(total, false);
  std::vector<size_t> level_of(total);
  for (size_t l = 0; l < total; ++l) {
    const int32_t e = sp.traversal_order[l];
    const bool in_range = l < rank
                              ? (e >= 0 && static_cast<size_t>(e) < rank)
                              : (static_cast<size_t>(e) >= rank && static_cast<size_t>(e) < total);
    if (e < 0 || !in_range || seen[static_cast<size_t>(e)])
      return bad("traversal_order is not a valid permutation (entry ", l, " is ", e, ")");
    seen[static_cast<size_t>(e)] = true;
    level_of[static_cast<size_t>(e)] = l;
  }
  for (size_t b = 0; b < nblocks; ++b) {
    const int32_t d = sp.block_map[b];
    if (d < 0 || static_cast<size_t>(d) >= rank || (b > 0 && d <= sp.block_map[b - 1]))
      return bad("block_map entry ", b, " (", d, ") is out of range or not increasing");
  }
  Walk w{sp,
         rank,
         std::vector<int64_t>(total),
         std::vector<int64_t>(nblocks),
         row_major_strides(dense_shape),
         std::vector<int64_t>(total, 0),
         visit};
  // Extent of each expanded dim: original dims divided by their block size.
  std::vector<int64_t> expanded(dense_shape.dims());
  expanded.resize(total);
  for (size_t b = 0; b < nblocks; ++b) {
    const SparsityParams::Dim& bd = sp.dims[level_of[rank + b]];
    const auto d = static_cast<size_t>(sp.block_map[b]);
    if (bd.sparse || bd.dense_size < 1 || dense_shape[d] % bd.dense_size != 0)
      return bad("block ", b, " must be dense with a size dividing dim ", d, " of ",
                 dense_shape.str(), ", has size ", bd.dense_size);
    w.block_size[b] = bd.dense_size;
    expanded[d] = dense_shape[d] / bd.dense_size;
    expanded[rank + b] = bd.dense_size;
  }
  for (size_t l = 0; l < total; ++l) {
    const SparsityParams::Dim& dim = sp.dims[l];
    const int64_t size = expanded[static_cast<size_t>(sp.traversal_order[l])];
    w.level_size[l] = size;
    if (!dim.sparse) {
      if (dim.dense_size != size)
        return bad("level ", l, " is dense with size ", dim.dense_size, ", expected ", size);
      continue;
    }
    // CSR: segments non-decreasing within [0, indices.size()]; indices in
    // range and strictly increasing inside each segment, so every stored
    // value lands on a distinct dense element.
    const auto nidx = static_cast<int64_t>(dim.indices.size());
    if (dim.segments.empty()) return bad("level ", l, " is sparse but has no segments");
    for (size_t p = 0; p < dim.segments.size(); ++p) {
      const int32_t s = dim.segments[p];
      if (s < 0 || s > nidx || (p > 0 && s < dim.segments[p - 1]))
        return bad("level ", l, " segment ", p, " (", s, ") is out of range or decreasing");
    }
    for (int32_t idx : dim.indices)
      if (idx < 0 || idx >= size)
        return bad("level ", l, " index ", idx, " is outside [0, ", size, ")");
    for (size_t p = 0; p + 1 < dim.segments.size(); ++p)
      for (auto i = static_cast<size_t>(dim.segments[p]) + 1;
           i < static_cast<size_t>(dim.segments[p + 1]); ++i)
        if (dim.indices[i] <= dim.indices[i - 1])
          return bad("level ", l, " indices are not increasing within segment ", p);
  }
  if (dense_shape.num_elements() == 0) return Status();
  return w.run(0, 0);
}

// The output is the dense tensor: the input value's (dense) shape and dtype.
static Status infer_densify(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Value& in = ctx.input(0);
  if (!in.sparsity) return ctx.fail("input has no sparsity parameters");
  if (!in.is_constant()) return ctx.unsupported("input must be a constant sparse tensor");
  const size_t elem = dtype_size(in.dtype);
  if (elem == 0) return ctx.fail("input has unknown dtype");
  ODIN_RETURN_IF_ERROR(ctx.expect_static(0));
  int64_t count = 0;
  const Status st = for_each_sparse_value(*in.sparsity, in.shape, [&](int64_t) { ++count; });
  if (!st.ok()) return ctx.fail(st.message());
  if (static_cast<uint64_t>(count) * elem > in.data_bytes)
    return ctx.fail("sparse format holds ", count, " values but the buffer has only ",
                    in.data_bytes, " bytes");
  ctx.set_output(0, in.dtype, in.shape);
  return Status();
}

namespace ref {
Status densify_node(const KernelArgs& args);  // kernels/reference/densify.cpp
}

ODIN_DEFINE_OP(kDensify, .infer = infer_densify, .reference = ref::densify_node,
               .reads_sparse_inputs = true);

}  // namespace odin
