#include "runtime/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace odin {
namespace {

size_t align_up(size_t n) {
  return (n + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
}

struct Interval {
  ValueId value;
  int32_t first, last;  // node steps; -1 = before the first node
  size_t bytes;
};

}  // namespace

Result<MemoryPlan> plan_memory(const Graph& graph) {
  const int32_t end = static_cast<int32_t>(graph.num_nodes());
  std::vector<int32_t> first(graph.num_values(), INT32_MAX), last(graph.num_values(), -2);
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

  std::vector<Interval> intervals;
  for (size_t v = 0; v < graph.num_values(); ++v) {
    if (last[v] < -1) continue;
    const Value& val = graph.value(static_cast<ValueId>(v));
    const int64_t n = val.shape.num_elements();
    if (n < 0)
      return make_error(StatusCode::kInvalidArgument, graph.describe_value(static_cast<ValueId>(v)),
                        " has unknown size ", val.shape.str(), "; set the input shapes first");
    intervals.push_back({static_cast<ValueId>(v), first[v], last[v],
                         align_up(static_cast<size_t>(n) * dtype_size(val.dtype))});
  }
  std::sort(intervals.begin(), intervals.end(), [](const Interval& a, const Interval& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.first < b.first;
  });

  MemoryPlan plan;
  plan.offsets.assign(graph.num_values(), MemoryPlan::kNoOffset);
  std::vector<const Interval*> placed;
  for (const Interval& it : intervals) {
    // Occupied ranges of already-placed values whose lifetimes overlap.
    std::vector<std::pair<size_t, size_t>> busy;
    for (const Interval* p : placed)
      if (p->first <= it.last && it.first <= p->last)
        busy.emplace_back(plan.offsets[p->value], plan.offsets[p->value] + p->bytes);
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
    plan.offsets[it.value] = best;
    plan.arena_bytes = std::max(plan.arena_bytes, best + it.bytes);
    placed.push_back(&it);
  }
  return plan;
}

}  // namespace odin
