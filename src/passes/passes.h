// Graph rewrites run when a session is created, before scheduling: each pass
// lives in its own file; this is the list and its order. Passes are
// backend-neutral (every backend sees the result), keep the graph valid and
// never change what the graph outputs compute (beyond float rounding).
#pragma once

#include "core/graph.h"

namespace odin {

struct PassOptions {
  bool optimize = true;  // false: run the graph exactly as imported
};

Status run_passes(Graph& graph, const PassOptions& options);

// The passes, in the order run_passes applies them. Each returns how many
// nodes it rewrote or removed.

// DEQUANTIZE (and DENSIFY) of a constant becomes a new constant: the node
// goes away and its output value holds the computed bytes.
Result<int> fold_dequantize(Graph& graph);
// RELU / RELU6 / RELU_N1_TO_1 whose input comes from a conv, depthwise conv,
// fully connected, ADD/SUB/MUL or concatenation with no fused activation
// becomes that producer's fused activation, when nothing else reads the
// intermediate value.
Result<int> fuse_activation(Graph& graph);
// Drops nodes none of whose outputs reach a graph output.
Result<int> remove_dead_nodes(Graph& graph);

}  // namespace odin
