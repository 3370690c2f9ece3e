// Small graph queries and edits shared by the passes.
#pragma once

#include <vector>

#include "core/graph.h"

namespace odin {

// For every value: the node that produces it, or -1 (inputs, constants).
std::vector<NodeId> producers(const Graph& graph);
// For every value: how many node inputs read it (a node reading it twice counts twice).
std::vector<int> consumer_counts(const Graph& graph);
// For every value: whether it is a graph output.
std::vector<bool> output_mask(const Graph& graph);
// Removes the nodes marked in `dead` (one flag per node), keeping the order of the rest.
void remove_nodes(Graph& graph, const std::vector<bool>& dead);

}  // namespace odin
