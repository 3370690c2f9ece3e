// Work estimates per node: multiply-accumulates (MACs) of conv, depthwise,
// FC and matmul layers, and the window work of pooling and reductions. Used
// to report GFLOP/s and to bound work (e.g. when fuzzing hostile models).
#pragma once

#include <cstdint>

#include "core/graph.h"

namespace odin {

// MACs (or comparable element-steps for non-MAC ops) of one node; -1 when a
// shape is unknown. Saturates at INT64_MAX / 4 instead of overflowing.
int64_t node_macs(const Graph& graph, const Node& node);

// Sum over all nodes (saturating); -1 if any is unknown.
int64_t graph_macs(const Graph& graph);

}  // namespace odin
