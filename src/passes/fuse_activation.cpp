// Folds a standalone RELU / RELU6 / RELU_N1_TO_1 into the fused activation
// of the node that produces its input (TFLite converters leave these apart
// when the producer's output also fed a residual branch, or by habit). The
// producer then writes the activation's output value directly.
#include "passes/pass_util.h"
#include "passes/passes.h"

namespace odin {
namespace {

Activation activation_of(OpType op) {
  switch (op) {
    case OpType::kRelu:
      return Activation::kRelu;
    case OpType::kRelu6:
      return Activation::kRelu6;
    case OpType::kReluN1To1:
      return Activation::kReluN1To1;
    default:
      return Activation::kNone;
  }
}

// The producer's fused activation slot, if it has one we may set.
Activation* activation_slot(Node& node) {
  switch (node.op) {
    case OpType::kConv2D:
      return &std::get<Conv2DAttrs>(node.attrs).activation;
    case OpType::kDepthwiseConv2D:
      return &std::get<DepthwiseConv2DAttrs>(node.attrs).activation;
    case OpType::kFullyConnected:
      return &std::get<FullyConnectedAttrs>(node.attrs).activation;
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
      return &std::get<BinaryAttrs>(node.attrs).activation;
    case OpType::kConcatenation:
      return &std::get<ConcatenationAttrs>(node.attrs).activation;
    default:
      return nullptr;
  }
}

// The attrs variant matches the op for imported graphs; a hand-built graph
// with mismatched attrs is left alone rather than throwing.
bool attrs_match(const Node& node) {
  switch (node.op) {
    case OpType::kConv2D:
      return std::holds_alternative<Conv2DAttrs>(node.attrs);
    case OpType::kDepthwiseConv2D:
      return std::holds_alternative<DepthwiseConv2DAttrs>(node.attrs);
    case OpType::kFullyConnected:
      return std::holds_alternative<FullyConnectedAttrs>(node.attrs);
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
      return std::holds_alternative<BinaryAttrs>(node.attrs);
    case OpType::kConcatenation:
      return std::holds_alternative<ConcatenationAttrs>(node.attrs);
    default:
      return false;
  }
}

}  // namespace

Result<int> fuse_activation(Graph& graph) {
  const std::vector<NodeId> producer = producers(graph);
  const std::vector<int> consumers = consumer_counts(graph);
  const std::vector<bool> is_output = output_mask(graph);
  std::vector<bool> dead(graph.num_nodes(), false);
  int fused = 0;
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const Node& act = graph.node(static_cast<NodeId>(n));
    const Activation a = activation_of(act.op);
    if (a == Activation::kNone || act.inputs.size() != 1 || act.outputs.size() != 1) continue;
    const ValueId mid = act.inputs[0];
    if (mid == kNoValue) continue;
    const auto m = static_cast<size_t>(mid);
    if (producer[m] < 0 || consumers[m] != 1 || is_output[m]) continue;
    if (graph.value(mid).persistent || graph.value(mid).dtype != DType::kF32) continue;
    Node& prod = graph.node(producer[m]);
    if (prod.outputs.size() != 1 || !attrs_match(prod)) continue;
    Activation* slot = activation_slot(prod);
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
