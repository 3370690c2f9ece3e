#include "core/use_def.h"

namespace odin {

UseDef::UseDef(const Graph& graph) {
  const size_t nv = graph.num_values();
  producer_.assign(nv, -1);
  graph_output_.assign(nv, false);
  first_use_.assign(nv + 1, 0);
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const Node& node = graph.node(static_cast<NodeId>(n));
    for (ValueId v : node.outputs) producer_[static_cast<size_t>(v)] = static_cast<NodeId>(n);
    for (ValueId v : node.inputs)
      if (v != kNoValue) ++first_use_[static_cast<size_t>(v) + 1];
  }
  for (size_t v = 0; v < nv; ++v) first_use_[v + 1] += first_use_[v];
  use_.resize(first_use_[nv]);
  std::vector<uint32_t> fill(first_use_.begin(), first_use_.end() - 1);
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const Node& node = graph.node(static_cast<NodeId>(n));
    for (size_t s = 0; s < node.inputs.size(); ++s) {
      const ValueId v = node.inputs[s];
      if (v == kNoValue) continue;
      use_[fill[static_cast<size_t>(v)]++] = {static_cast<NodeId>(n), static_cast<uint32_t>(s)};
    }
  }
  for (ValueId v : graph.outputs()) graph_output_[static_cast<size_t>(v)] = true;
}

std::span<const Use> UseDef::uses(ValueId v) const {
  const auto i = static_cast<size_t>(v);
  return {use_.data() + first_use_[i], use_.data() + first_use_[i + 1]};
}

NodeId UseDef::sole_reader(ValueId v) const {
  const std::span<const Use> u = uses(v);
  return u.size() == 1 && !is_graph_output(v) ? u[0].node : -1;
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
