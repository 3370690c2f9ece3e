// Folds a float32 PRELU into the node that produces its input when that op
// can apply the slopes itself (OpDef::prelu_alpha_input: a convolution
// scales its negative results per output channel, after its bias, fused
// addend and activation). The PRELU's pass over memory and its dispatch on a
// GPU go away. MediaPipe's face, palm and hand models follow most
// convolutions (and residual ADDs, which fuse_add folded into them first)
// with a PRELU of one slope per channel. int8 PRELU requantizes, so it
// stays.
#include <cstring>
#include <memory>

#include "core/use_def.h"
#include "ops/op_def.h"
#include "passes/passes.h"

namespace odin {
namespace {

// The slopes as one value per channel of `channels`: the constant itself
// when its shape is [..., channels] with every other dim 1; a new constant
// when it is one value for all; else kNoValue.
ValueId per_channel_slopes(Graph& g, ValueId alpha, int64_t channels) {
  const Value& a = g.value(alpha);
  if (a.dtype != DType::kF32 || !a.shape.is_static() || a.persistent || a.data == nullptr ||
      a.sparsity)
    return kNoValue;
  const int64_t n = a.shape.num_elements();
  if (n == channels) {
    for (size_t d = 0; d + 1 < a.shape.rank(); ++d)
      if (a.shape[d] != 1) return kNoValue;
    return alpha;
  }
  if (n != 1 || a.data_bytes < sizeof(float)) return kNoValue;
  float slope;
  std::memcpy(&slope, a.data, sizeof slope);
  auto values = std::make_shared<std::vector<float>>(static_cast<size_t>(channels), slope);
  Value v;
  v.name = a.name + "/per_channel";
  v.dtype = DType::kF32;
  v.shape = Shape{channels};
  v.data = static_cast<const uint8_t*>(static_cast<const void*>(values->data()));
  v.data_bytes = values->size() * sizeof(float);
  v.owner = std::move(values);
  return g.add_value(std::move(v));
}

}  // namespace

Result<int> fuse_prelu(Graph& graph) {
  const UseDef uses(graph);
  std::vector<bool> dead(graph.num_nodes(), false);
  int fused = 0;
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const Node& prelu = graph.node(static_cast<NodeId>(n));
    if (op_def(prelu.op).binary_fn != BinaryFn::kPrelu || prelu.inputs.size() != 2 ||
        prelu.outputs.size() != 1)
      continue;
    const ValueId mid = prelu.inputs[0], alpha = prelu.inputs[1], out = prelu.outputs[0];
    if (mid == kNoValue || alpha == kNoValue || mid == alpha) continue;
    const Value& x = graph.value(mid);
    if (x.persistent || x.dtype != DType::kF32 || !x.shape.is_static() || x.shape.rank() == 0)
      continue;
    // Same shape out: the slopes broadcast into the input, not beyond it.
    if (graph.value(out).dtype != DType::kF32 || graph.value(out).shape != x.shape) continue;
    if (uses.sole_reader(mid) != static_cast<NodeId>(n) || uses.producer(mid) < 0) continue;
    const NodeId p = uses.producer(mid);
    const Node& prod = graph.node(p);
    const int slot = op_def(prod.op).prelu_alpha_input;
    if (slot < 0 || prod.outputs.size() != 1 || prelu_alpha_of(prod) != kNoValue) continue;
    const ValueId slopes = per_channel_slopes(graph, alpha, x.shape[x.shape.rank() - 1]);
    if (slopes == kNoValue) continue;
    // The producer keeps its place (the slopes are a constant) and writes
    // the PRELU's output; `mid` is now produced and read by nobody.
    Node& fused_node = graph.node(p);
    const auto s = static_cast<size_t>(slot);
    if (fused_node.inputs.size() <= s) fused_node.inputs.resize(s + 1, kNoValue);
    fused_node.inputs[s] = slopes;
    fused_node.outputs[0] = out;
    dead[n] = true;
    ++fused;
  }
  if (fused) remove_nodes(graph, dead);
  return fused;
}

}  // namespace odin
