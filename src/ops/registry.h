// Per-op metadata in one table: name and shape inference.
#pragma once

#include "core/graph.h"
#include "ops/infer_context.h"

namespace odin {

using InferFn = Status (*)(InferContext&);

struct OpDef {
  OpType type;
  std::string_view name;
  InferFn infer;
};

const OpDef& op_def(OpType type);

// Runs the node's shape inference. If the output already had a static shape
// (declared by the model file) it must agree with the inferred one.
Status infer_node(Graph& graph, NodeId id);

// Infers every node in order.
Status infer_graph(Graph& graph);

}  // namespace odin
