#include "runtime/device_segment.h"

#include <algorithm>
#include <set>

#include "core/use_def.h"

namespace odin {

ValueId alias_root(const std::map<ValueId, ValueId>& alias_of, ValueId v) {
  for (auto it = alias_of.find(v); it != alias_of.end(); it = alias_of.find(v)) v = it->second;
  return v;
}

SegmentValues segment_values(const Graph& graph, std::span<const NodeId> segment,
                             const std::vector<std::vector<ValueId>>& used,
                             const std::map<ValueId, ValueId>& alias_of) {
  SegmentValues out;
  auto touch = [&](ValueId v, int32_t step) {
    auto [it, fresh] = out.life.try_emplace(alias_root(alias_of, v), step, step);
    it->second.first = std::min(it->second.first, step);
    it->second.second = std::max(it->second.second, step);
  };
  std::set<ValueId> produced;
  for (NodeId id : segment)
    for (ValueId o : graph.node(id).outputs) produced.insert(o);
  const auto steps = static_cast<int32_t>(segment.size());
  for (int32_t s = 0; s < steps && static_cast<size_t>(s) < used.size(); ++s)
    for (ValueId v : used[static_cast<size_t>(s)]) {
      touch(v, s);
      if (!produced.count(v) &&
          std::find(out.inputs.begin(), out.inputs.end(), v) == out.inputs.end())
        out.inputs.push_back(v);
    }
  for (ValueId v : out.inputs) touch(v, -1);
  const std::set<NodeId> in_segment(segment.begin(), segment.end());
  const UseDef uses(graph);
  for (NodeId id : segment)
    for (ValueId o : graph.node(id).outputs) {
      bool outside = uses.is_graph_output(o);
      for (const Use& u : uses.uses(o)) outside = outside || !in_segment.count(u.node);
      if (!outside) continue;
      out.outputs.push_back(o);
      touch(o, steps);
    }
  return out;
}

}  // namespace odin
