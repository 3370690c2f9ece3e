#include "runtime/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace odin {
namespace {

size_t align_up(size_t n) {
  return (n + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
}

// One block of arena bytes, shared by a chain of in-place values.
struct Buffer {
  int32_t first = INT32_MAX, last = -2;  // node steps; -1 = before the first node
  size_t bytes = 0;
};

// The PAD's input must outlive it when its only reader may fold it.
void extend_pad_inputs(const Graph& graph, std::vector<int32_t>& last) {
  std::vector<int32_t> reader(graph.num_values(), -1), readers(graph.num_values(), 0);
  for (size_t n = 0; n < graph.num_nodes(); ++n)
    for (ValueId v : graph.node(static_cast<NodeId>(n)).inputs)
      if (v != kNoValue) {
        reader[v] = static_cast<int32_t>(n);
        ++readers[v];
      }
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const Node& pad = graph.node(static_cast<NodeId>(n));
    if (pad.op != OpType::kPad || pad.inputs.empty() || pad.outputs.size() != 1) continue;
    const ValueId out = pad.outputs[0], in = pad.inputs[0];
    if (in == kNoValue || graph.value(in).is_constant() || readers[out] != 1) continue;
    if (may_fold_pad(graph.node(reader[out]), out)) last[in] = std::max(last[in], reader[out]);
  }
}

}  // namespace

bool may_fold_pad(const Node& reader, ValueId pad_output) {
  if (reader.inputs.empty()) return false;
  switch (reader.op) {
    case OpType::kConv2D:
    case OpType::kDepthwiseConv2D:
      return reader.inputs[0] == pad_output;
    case OpType::kAdd:
      return reader.inputs.size() == 2 &&
             (reader.inputs[0] == pad_output || reader.inputs[1] == pad_output);
    default:
      return false;
  }
}

bool may_alias_input(OpType op) {
  switch (op) {
  ODIN_CASE_BINARY_OPS:
  ODIN_CASE_UNARY_OPS:
  case OpType::kPrelu:
    return true;
    default:
      return false;
  }
}

Result<MemoryPlan> plan_memory(const Graph& graph) {
  const int32_t end = static_cast<int32_t>(graph.num_nodes());
  const size_t nv = graph.num_values();
  std::vector<int32_t> first(nv, INT32_MAX), last(nv, -2);
  auto touch = [&](ValueId v, int32_t step) {
    if (v == kNoValue || graph.value(v).is_constant()) return;
    first[v] = std::min(first[v], step);
    last[v] = std::max(last[v], step);
  };
  for (ValueId v : graph.inputs()) touch(v, -1);
  for (int32_t n = 0; n < end; ++n) {
    for (ValueId v : graph.node(n).inputs) touch(v, n);
    for (ValueId v : graph.node(n).outputs) touch(v, n);
  }
  for (ValueId v : graph.outputs()) touch(v, end);
  // Inputs stay intact for the whole run and across runs: a caller may set
  // them once and run many times.
  for (ValueId v : graph.inputs()) touch(v, end);
  extend_pad_inputs(graph, last);

  std::vector<size_t> bytes(nv, 0);
  for (size_t v = 0; v < nv; ++v) {
    if (last[v] < -1) continue;
    const Value& val = graph.value(static_cast<ValueId>(v));
    const int64_t n = val.shape.num_elements();
    if (n < 0)
      return make_error(StatusCode::kInvalidArgument, graph.describe_value(static_cast<ValueId>(v)),
                        " has unknown size ", val.shape.str(), "; set the input shapes first");
    bytes[v] = align_up(static_cast<size_t>(n) * dtype_size(val.dtype));
  }

  // Every live value starts in its own buffer; in-place outputs join the
  // buffer of the input they overwrite.
  std::vector<bool> is_input(nv, false);
  for (ValueId v : graph.inputs()) is_input[v] = true;
  std::vector<int32_t> buffer_of(nv, -1);
  std::vector<Buffer> buffers;
  auto own_buffer = [&](ValueId v) {
    buffer_of[v] = static_cast<int32_t>(buffers.size());
    buffers.push_back({first[v], last[v], bytes[v]});
  };
  MemoryPlan plan;
  for (ValueId v : graph.inputs())
    if (last[v] >= -1 && buffer_of[v] < 0) own_buffer(v);
  for (int32_t n = 0; n < end; ++n) {
    const Node& node = graph.node(n);
    for (ValueId out : node.outputs) {
      if (last[out] < -1 || buffer_of[out] >= 0) continue;
      if (may_alias_input(node.op) && node.outputs.size() == 1) {
        const Value& o = graph.value(out);
        for (ValueId in : node.inputs) {
          if (in == kNoValue || buffer_of[in] < 0 || is_input[in] || last[in] != n) continue;
          const Value& i = graph.value(in);
          if (i.dtype != o.dtype || i.shape != o.shape || i.persistent || o.persistent) continue;
          Buffer& b = buffers[static_cast<size_t>(buffer_of[in])];
          if (b.last != n) continue;  // another value of this buffer outlives the node
          buffer_of[out] = buffer_of[in];
          b.last = last[out];
          ++plan.in_place;
          break;
        }
      }
      if (buffer_of[out] < 0) own_buffer(out);
    }
  }
  for (size_t v = 0; v < nv; ++v)  // live values no node touches in order (none expected)
    if (last[v] >= -1 && buffer_of[v] < 0) own_buffer(static_cast<ValueId>(v));

  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return buffers[a].bytes != buffers[b].bytes ? buffers[a].bytes > buffers[b].bytes
                                                : buffers[a].first < buffers[b].first;
  });
  std::vector<size_t> offset(buffers.size(), MemoryPlan::kNoOffset);
  std::vector<size_t> placed;
  std::vector<std::pair<size_t, size_t>> busy;
  for (size_t idx : order) {
    const Buffer& it = buffers[idx];
    // Occupied ranges of already-placed buffers whose lifetimes overlap.
    busy.clear();
    for (size_t p : placed)
      if (buffers[p].first <= it.last && it.first <= buffers[p].last)
        busy.emplace_back(offset[p], offset[p] + buffers[p].bytes);
    std::sort(busy.begin(), busy.end());
    // Best fit: the smallest gap that holds it; else after the last range.
    size_t best = MemoryPlan::kNoOffset, best_gap = SIZE_MAX, cursor = 0;
    for (const auto& [lo, hi] : busy) {
      if (lo > cursor && lo - cursor >= it.bytes && lo - cursor < best_gap) {
        best = cursor;
        best_gap = lo - cursor;
      }
      cursor = std::max(cursor, hi);
    }
    if (best == MemoryPlan::kNoOffset) best = cursor;
    offset[idx] = best;
    plan.arena_bytes = std::max(plan.arena_bytes, best + it.bytes);
    placed.push_back(idx);
  }
  plan.offsets.assign(nv, MemoryPlan::kNoOffset);
  for (size_t v = 0; v < nv; ++v)
    if (buffer_of[v] >= 0) plan.offsets[v] = offset[static_cast<size_t>(buffer_of[v])];
  return plan;
}

}  // namespace odin
