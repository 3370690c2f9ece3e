// Removes nodes whose results nobody needs: walking backwards, a node is live
// if one of its outputs is a graph output, persistent state, or read by a
// live node. Folding leaves such nodes behind (e.g. a DENSIFY whose result
// was folded into a constant further down).
#include "core/use_def.h"
#include "passes/passes.h"

namespace odin {

Result<int> remove_dead_nodes(Graph& graph) {
  std::vector<bool> needed(graph.num_values(), false);
  for (ValueId v : graph.outputs()) needed[static_cast<size_t>(v)] = true;
  std::vector<bool> dead(graph.num_nodes(), false);
  int removed = 0;
  for (size_t i = graph.num_nodes(); i-- > 0;) {
    const Node& node = graph.node(static_cast<NodeId>(i));
    bool live = false;
    for (ValueId v : node.outputs)
      if (needed[static_cast<size_t>(v)] || graph.value(v).persistent) live = true;
    if (!live) {
      dead[i] = true;
      ++removed;
      continue;
    }
    for (ValueId v : node.inputs)
      if (v != kNoValue) needed[static_cast<size_t>(v)] = true;
  }
  if (removed) remove_nodes(graph, dead);
  return removed;
}

}  // namespace odin
