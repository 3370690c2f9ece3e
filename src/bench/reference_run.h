// One run of a graph on the reference kernels with every tensor kept, and a
// node cut out as a graph of its own: what `odin carve` writes and `odin
// bisect` compares backends against.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "core/graph.h"
#include "core/status.h"
#include "core/tensor.h"

namespace odin {

// The bytes of every non-constant tensor of one run.
using Tensors = std::map<ValueId, std::vector<uint8_t>>;

// Every node on the reference kernels, in order. `inputs`: one buffer per
// graph input (raw little-endian, the input's size); empty: the reference
// runners' SplitMix64 input (seed 1 + index, in [-1, 1]) for float inputs.
// Shapes must be static.
Result<Tensors> reference_run(const Graph& graph, const std::vector<std::vector<uint8_t>>& inputs);

// Value `id` of the run (a constant: its bytes in the graph).
ConstTensorView tensor_of(const Graph& graph, ValueId id, const Tensors& run);

// The node alone: its non-constant inputs become the graph's inputs (in the
// node's order), its constants are shared (the source graph's bytes), its
// outputs the outputs.
Graph one_op_graph(const Graph& graph, const Node& node);

}  // namespace odin
