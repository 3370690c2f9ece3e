#include "runtime/memory_planner.h"

#include <algorithm>

#include "core/arena_plan.h"
#include "ops/op_def.h"

namespace odin {
namespace {

size_t align_up(size_t n) {
  return (n + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
}

// One block of arena bytes, shared by values that reuse each other's bytes.
struct Buffer {
  int32_t first = INT32_MAX, last = -2;  // node steps; -1 = before the first node
  size_t bytes = 0;
  bool pinned = false;  // holds a graph input or persistent state: never overwritten in place
};

// Lifetimes in node steps: first write to last read; -2 = unused.
struct Lifetimes {
  std::vector<int32_t> first, last;
};

Lifetimes lifetimes(const Graph& graph, const std::vector<bool>& off_host) {
  const int32_t end = static_cast<int32_t>(graph.num_nodes());
  Lifetimes t{std::vector<int32_t>(graph.num_values(), INT32_MAX),
              std::vector<int32_t>(graph.num_values(), -2)};
  auto touch = [&](ValueId v, int32_t step) {
    if (v == kNoValue || graph.value(v).is_constant()) return;
    if (static_cast<size_t>(v) < off_host.size() && off_host[static_cast<size_t>(v)]) return;
    t.first[v] = std::min(t.first[v], step);
    t.last[v] = std::max(t.last[v], step);
  };
  for (ValueId v : graph.inputs()) touch(v, -1);
  for (int32_t n = 0; n < end; ++n) {
    for (ValueId v : graph.node(n).inputs) touch(v, n);
    for (ValueId v : graph.node(n).outputs) touch(v, n);
  }
  for (ValueId v : graph.outputs()) touch(v, end);
  // Persistent state (a KV cache) keeps its bytes across runs: live always.
  for (size_t v = 0; v < graph.num_values(); ++v)
    if (graph.value(static_cast<ValueId>(v)).persistent && t.last[v] >= -1) {
      touch(static_cast<ValueId>(v), -1);
      touch(static_cast<ValueId>(v), end);
    }
  // Inputs stay intact for the whole run and across runs: a caller may set
  // them once and run many times.
  for (ValueId v : graph.inputs()) touch(v, end);
  return t;
}

// The buffer `out` of node n (step) may share, by the op's reuse rule.
int32_t reusable_buffer(const Graph& graph, int32_t n, ValueId out, const Lifetimes& t,
                        const std::vector<int32_t>& buffer_of, const std::vector<Buffer>& buffers,
                        const std::vector<size_t>& bytes) {
  const Node& node = graph.node(n);
  const Value& o = graph.value(out);
  if (node.outputs.size() != 1 || o.persistent) return -1;
  switch (op_def(node.op).output_reuse) {
    case OutputReuse::kNone:
      return -1;
    case OutputReuse::kView: {
      const ValueId in = node.inputs.empty() ? kNoValue : node.inputs[0];
      if (in == kNoValue || buffer_of[in] < 0 || bytes[in] != bytes[out]) return -1;
      return graph.value(in).persistent ? -1 : buffer_of[in];
    }
    case OutputReuse::kElementwise:
      for (ValueId in : node.inputs) {
        if (in == kNoValue || buffer_of[in] < 0 || t.last[in] != n) continue;
        const Value& i = graph.value(in);
        const Buffer& b = buffers[static_cast<size_t>(buffer_of[in])];
        // b.last: another value of this buffer may outlive the node.
        if (i.dtype != o.dtype || i.shape != o.shape || b.pinned || b.last != n) continue;
        return buffer_of[in];
      }
      return -1;
  }
  return -1;
}

}  // namespace

Result<MemoryPlan> plan_memory(const Graph& graph, const std::vector<bool>& off_host) {
  const int32_t end = static_cast<int32_t>(graph.num_nodes());
  const size_t nv = graph.num_values();
  const Lifetimes t = lifetimes(graph, off_host);

  std::vector<size_t> bytes(nv, 0);
  for (size_t v = 0; v < nv; ++v) {
    if (t.last[v] < -1) continue;
    const Value& val = graph.value(static_cast<ValueId>(v));
    const int64_t n = tensor_bytes(val.dtype, val.shape);
    if (n < 0 && is_block_quantized(val.dtype) && val.shape.is_static())
      return make_error(StatusCode::kInvalidArgument, graph.describe_value(static_cast<ValueId>(v)),
                        " (", dtype_name(val.dtype), " ", val.shape.str(),
                        ") is not whole blocks of ", dtype_storage(val.dtype).elements,
                        " along its last axis");
    if (n < 0)
      return make_error(StatusCode::kInvalidArgument, graph.describe_value(static_cast<ValueId>(v)),
                        " has unknown size (", dtype_name(val.dtype), " ", val.shape.str(),
                        "); set the input shapes first");
    bytes[v] = align_up(static_cast<size_t>(n));
  }

  // Every live value starts in its own buffer; reusing outputs join the
  // buffer of the input they overwrite or view.
  std::vector<int32_t> buffer_of(nv, -1);
  std::vector<Buffer> buffers;
  auto own_buffer = [&](ValueId v) {
    buffer_of[v] = static_cast<int32_t>(buffers.size());
    buffers.push_back({t.first[v], t.last[v], bytes[v], graph.value(v).persistent});
  };
  MemoryPlan plan;
  for (ValueId v : graph.inputs())
    if (t.last[v] >= -1 && buffer_of[v] < 0) {
      own_buffer(v);
      buffers.back().pinned = true;
    }
  for (int32_t n = 0; n < end; ++n) {
    for (ValueId out : graph.node(n).outputs) {
      if (t.last[out] < -1 || buffer_of[out] >= 0) continue;
      const int32_t shared = reusable_buffer(graph, n, out, t, buffer_of, buffers, bytes);
      if (shared < 0) {
        own_buffer(out);
        continue;
      }
      buffer_of[out] = shared;
      Buffer& b = buffers[static_cast<size_t>(shared)];
      b.last = std::max(b.last, t.last[out]);
      ++plan.in_place;
    }
  }
  for (size_t v = 0; v < nv; ++v)  // live values no node touches in order (none expected)
    if (t.last[v] >= -1 && buffer_of[v] < 0) own_buffer(static_cast<ValueId>(v));

  std::vector<ArenaRequest> requests;
  for (const Buffer& b : buffers) requests.push_back({b.first, b.last, b.bytes});
  const ArenaPlan arena = plan_arena(requests, kArenaAlignment);
  plan.arena_bytes = arena.bytes;
  plan.offsets.assign(nv, MemoryPlan::kNoOffset);
  for (size_t v = 0; v < nv; ++v)
    if (buffer_of[v] >= 0) plan.offsets[v] = arena.offsets[static_cast<size_t>(buffer_of[v])];
  return plan;
}

}  // namespace odin
