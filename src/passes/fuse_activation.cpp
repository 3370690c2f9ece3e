// Folds a standalone RELU / RELU6 / RELU_N1_TO_1 into the fused activation
// of the node that produces its input (TFLite converters leave these apart
// when the producer's output also fed a residual branch, or by habit). The
// producer then writes the activation's output value directly.
#include "core/use_def.h"
#include "ops/op_def.h"
#include "passes/passes.h"

namespace odin {

Result<int> fuse_activation(Graph& graph) {
  const UseDef uses(graph);
  std::vector<bool> dead(graph.num_nodes(), false);
  int fused = 0;
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const Node& act = graph.node(static_cast<NodeId>(n));
    const Activation a = op_def(act.op).as_fused_activation;
    if (a == Activation::kNone || act.inputs.size() != 1 || act.outputs.size() != 1) continue;
    const ValueId mid = act.inputs[0];
    if (mid == kNoValue || uses.sole_reader(mid) < 0 || uses.producer(mid) < 0) continue;
    if (graph.value(mid).persistent || graph.value(mid).dtype != DType::kF32) continue;
    Node& prod = graph.node(uses.producer(mid));
    const OpDef& def = op_def(prod.op);
    if (prod.outputs.size() != 1 || !def.activation_slot) continue;
    // A hand-built graph with attributes of another op is left alone.
    Activation* slot = def.activation_slot(prod.attrs);
    if (!slot || *slot != Activation::kNone) continue;
    const ValueId out = act.outputs[0];
    if (graph.value(out).dtype != DType::kF32 || graph.value(out).shape != graph.value(mid).shape)
      continue;
    *slot = a;
    prod.outputs[0] = out;  // `mid` is now produced by nobody and read by nobody
    dead[n] = true;
    ++fused;
  }
  if (fused) remove_nodes(graph, dead);
  return fused;
}

}  // namespace odin
