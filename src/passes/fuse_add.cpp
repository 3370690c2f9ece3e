// Folds a residual ADD into the node that produces one of its operands when
// that op can add a tensor itself (OpDef::addend_input: a convolution adds it
// to its sums before the fused activation). The ADD's separate pass over
// memory and its dispatch on a GPU go away, as ONNX Runtime's FusedConv
// does with its Z input. Float32 only: an int8 ADD requantizes both operands.
#include "core/use_def.h"
#include "ops/op_def.h"
#include "passes/passes.h"

namespace odin {
namespace {

bool is_plain_f32(const Graph& g, ValueId v) {
  return v != kNoValue && !g.value(v).persistent && g.value(v).dtype == DType::kF32 &&
         g.value(v).shape.is_static();
}

// The producer of `sum` that can absorb the ADD (reading `other` as its
// addend), or -1.
NodeId absorbing_producer(const Graph& g, const UseDef& uses, NodeId add, ValueId sum,
                          ValueId other) {
  if (sum == other || uses.sole_reader(sum) != add) return -1;
  const NodeId p = uses.producer(sum);
  if (p < 0) return -1;
  Node prod = g.node(p);  // a copy: activation_slot takes mutable attrs
  const OpDef& def = op_def(prod.op);
  if (def.addend_input < 0 || prod.outputs.size() != 1 || !def.activation_slot) return -1;
  const auto slot = static_cast<size_t>(def.addend_input);
  if (slot < prod.inputs.size() && prod.inputs[slot] != kNoValue) return -1;
  // Its own activation would come before the addition.
  const Activation* act = def.activation_slot(prod.attrs);
  if (!act || *act != Activation::kNone) return -1;
  return p;
}

}  // namespace

Result<int> fuse_add(Graph& graph) {
  const UseDef uses(graph);
  std::vector<bool> dead(graph.num_nodes(), false);
  int fused = 0;
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const auto add_id = static_cast<NodeId>(n);
    Node& add = graph.node(add_id);
    const OpDef& add_def = op_def(add.op);
    if (add_def.binary_fn != BinaryFn::kAdd || add.inputs.size() != 2 || add.outputs.size() != 1)
      continue;
    const ValueId out = add.outputs[0];
    if (!is_plain_f32(graph, out) || !is_plain_f32(graph, add.inputs[0]) ||
        !is_plain_f32(graph, add.inputs[1]))
      continue;
    // Same shapes: the addend is read element for element (no broadcast).
    const Shape& shape = graph.value(out).shape;
    if (graph.value(add.inputs[0]).shape != shape || graph.value(add.inputs[1]).shape != shape)
      continue;
    for (size_t i = 0; i < 2; ++i) {
      const ValueId sum = add.inputs[i], other = add.inputs[1 - i];
      const NodeId p = absorbing_producer(graph, uses, add_id, sum, other);
      if (p < 0 || dead[static_cast<size_t>(p)]) continue;
      const Activation* add_act =
          add_def.activation_slot ? add_def.activation_slot(add.attrs) : nullptr;
      const Activation act = add_act ? *add_act : Activation::kNone;
      // The ADD's node becomes the producer (at the ADD's place, after both
      // operands are computed), reading `other` as its addend.
      Node fused_node = graph.node(p);
      const OpDef& def = op_def(fused_node.op);
      *def.activation_slot(fused_node.attrs) = act;
      const auto slot = static_cast<size_t>(def.addend_input);
      if (fused_node.inputs.size() <= slot) fused_node.inputs.resize(slot + 1, kNoValue);
      fused_node.inputs[slot] = other;
      fused_node.outputs = {out};
      add = std::move(fused_node);
      dead[static_cast<size_t>(p)] = true;  // `sum` is now produced and read by nobody
      ++fused;
      break;
    }
  }
  if (fused) remove_nodes(graph, dead);
  return fused;
}

}  // namespace odin
