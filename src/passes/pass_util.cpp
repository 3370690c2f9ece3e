#include "passes/pass_util.h"

namespace odin {

std::vector<NodeId> producers(const Graph& graph) {
  std::vector<NodeId> out(graph.num_values(), -1);
  for (size_t n = 0; n < graph.num_nodes(); ++n)
    for (ValueId v : graph.node(static_cast<NodeId>(n)).outputs)
      out[static_cast<size_t>(v)] = static_cast<NodeId>(n);
  return out;
}

std::vector<int> consumer_counts(const Graph& graph) {
  std::vector<int> out(graph.num_values(), 0);
  for (const Node& n : graph.nodes())
    for (ValueId v : n.inputs)
      if (v != kNoValue) ++out[static_cast<size_t>(v)];
  return out;
}

std::vector<bool> output_mask(const Graph& graph) {
  std::vector<bool> out(graph.num_values(), false);
  for (ValueId v : graph.outputs()) out[static_cast<size_t>(v)] = true;
  return out;
}

void remove_nodes(Graph& graph, const std::vector<bool>& dead) {
  std::vector<Node>& nodes = graph.mutable_nodes();
  size_t kept = 0;
  for (size_t n = 0; n < nodes.size(); ++n) {
    if (dead[n]) continue;
    if (kept != n) nodes[kept] = std::move(nodes[n]);  // self-move would empty the node
    ++kept;
  }
  nodes.resize(kept);
}

}  // namespace odin
