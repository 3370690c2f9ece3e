// Folds a zero PAD into the one node that reads it, when that node's op can
// take the padding itself (OpDef::absorb_pad): a convolution pads its image
// explicitly, an elementwise op reads a padded operand as zeros outside it.
// The reader then reads the PAD's input, and the PAD's output never exists:
// no copy, no memory, on every backend. MediaPipe's models pad spatially
// before stride-2 depthwise convolutions and pad channels on residual
// branches (BlazeFace, face mesh, palm detection).
#include "core/const_data.h"
#include "core/use_def.h"
#include "ops/op_def.h"
#include "passes/passes.h"

namespace odin {
namespace {

// The PAD's amounts, when it is a constant zero padding of a run-time value.
std::optional<PadAmounts> pad_amounts(const Graph& g, const Node& pad) {
  if (pad.inputs.size() != 2 || pad.outputs.size() != 1) return std::nullopt;
  const ValueId in = pad.inputs[0];
  if (in == kNoValue || pad.inputs[1] == kNoValue) return std::nullopt;
  const Value& src = g.value(in);
  if (src.is_constant() || src.persistent || !src.shape.is_static()) return std::nullopt;
  const std::optional<std::vector<int64_t>> p = read_int_constant(g.value(pad.inputs[1]));
  const size_t rank = src.shape.rank();
  if (!p || p->size() != 2 * rank) return std::nullopt;
  PadAmounts a;
  for (size_t d = 0; d < rank; ++d) {
    if ((*p)[2 * d] < 0 || (*p)[2 * d + 1] < 0) return std::nullopt;
    a.before.push_back((*p)[2 * d]);
    a.after.push_back((*p)[2 * d + 1]);
  }
  return a;
}

// Lets `reader` read `source` instead of the padded `padded` (input `slot`);
// keeps the change only when the reader's outputs stay exactly as they were.
bool absorb(Graph& g, NodeId reader, uint32_t slot, ValueId source, const PadAmounts& amounts) {
  Node& node = g.node(reader);
  const OpDef& def = op_def(node.op);
  if (!def.absorb_pad) return false;
  const OpAttrs before = node.attrs;
  std::vector<Shape> shapes;
  for (ValueId o : node.outputs) shapes.push_back(g.value(o).shape);
  if (!def.absorb_pad(g, node, slot, amounts)) return false;
  const ValueId padded = node.inputs[slot];
  node.inputs[slot] = source;
  bool same = infer_node(g, reader).ok();
  for (size_t i = 0; same && i < node.outputs.size(); ++i)
    same = g.value(node.outputs[i]).shape == shapes[i];
  if (same) return true;
  node.inputs[slot] = padded;  // undo: the padding did not mean the same here
  node.attrs = before;
  for (size_t i = 0; i < node.outputs.size(); ++i) g.value(node.outputs[i]).shape = shapes[i];
  return false;
}

}  // namespace

Result<int> fold_pad(Graph& graph) {
  const UseDef uses(graph);
  std::vector<bool> dead(graph.num_nodes(), false);
  int folded = 0;
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const Node& pad = graph.node(static_cast<NodeId>(n));
    if (pad.op != OpType::kPad) continue;
    const std::optional<PadAmounts> amounts = pad_amounts(graph, pad);
    if (!amounts) continue;
    const ValueId out = pad.outputs[0];
    const NodeId reader = uses.sole_reader(out);
    if (reader < 0 || graph.value(out).persistent) continue;
    if (!absorb(graph, reader, uses.uses(out)[0].slot, pad.inputs[0], *amounts)) continue;
    dead[n] = true;
    ++folded;
  }
  if (folded) remove_nodes(graph, dead);
  return folded;
}

}  // namespace odin
