// Who produces and who reads every value of a graph: the one use-def index
// that passes, the scheduler, the memory planner and backends share. It is a
// snapshot: rebuild it after the graph changes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/graph.h"

namespace odin {

// One read of a value: node `node` reads it as input `slot`.
struct Use {
  NodeId node = -1;
  uint32_t slot = 0;
};

class UseDef {
 public:
  explicit UseDef(const Graph& graph);

  // The node that writes v; -1 for graph inputs, constants and orphans.
  NodeId producer(ValueId v) const { return producer_[static_cast<size_t>(v)]; }
  // Every node input reading v, in node order (a node reading v twice
  // appears twice).
  std::span<const Use> uses(ValueId v) const;
  size_t num_uses(ValueId v) const { return uses(v).size(); }
  bool is_graph_output(ValueId v) const { return graph_output_[static_cast<size_t>(v)]; }
  // v's only reader when exactly one node input reads it and it is not a
  // graph output (so a rewrite of that reader may consume v); else -1.
  NodeId sole_reader(ValueId v) const;

 private:
  std::vector<NodeId> producer_;
  std::vector<uint32_t> first_use_;  // CSR: uses of v are use_[first_use_[v] .. first_use_[v+1])
  std::vector<Use> use_;
  std::vector<bool> graph_output_;
};

// Removes the nodes marked in `dead` (one flag per node), keeping the order
// of the rest.
void remove_nodes(Graph& graph, const std::vector<bool>& dead);

}  // namespace odin
