#include "backends/vulkan/vk_support.h"

namespace odin::vk {
namespace {

std::string op_name(const Node& node) {
  return std::string(op_type_name(node.op));
}

Support no(const Node& node, const std::string& what) {
  return Support::no(str_cat("vulkan: ", op_name(node), " ", what));
}

// The node that produces v (nodes are in topological order), or null.
const Node* producer(const Graph& graph, ValueId v) {
  for (const Node& n : graph.nodes())
    for (ValueId o : n.outputs)
      if (o == v) return &n;
  return nullptr;
}

bool all_inputs_foldable(const Graph& graph, const Node& node, int depth);

bool foldable(const Graph& graph, ValueId v, int depth) {
  if (v == kNoValue) return true;
  const Value& val = graph.value(v);
  if (val.is_constant()) return true;
  if (depth > 16 || val.persistent) return false;  // deep chains: not worth it
  const int64_t n = val.shape.num_elements();
  if (n < 0 || n * static_cast<int64_t>(dtype_size(val.dtype)) > kMaxFoldBytes) return false;
  const Node* p = producer(graph, v);
  return p && all_inputs_foldable(graph, *p, depth + 1);
}

bool all_inputs_foldable(const Graph& graph, const Node& node, int depth) {
  if (node.inputs.empty()) return false;
  for (ValueId v : node.inputs)
    if (!foldable(graph, v, depth)) return false;
  return true;
}

// The weight-like input `i` must be a constant of float type.
bool float_constant(const Graph& graph, const Node& node, size_t i) {
  if (i >= node.inputs.size() || node.inputs[i] == kNoValue) return true;  // absent bias
  const Value& v = graph.value(node.inputs[i]);
  return is_constant_foldable(graph, node.inputs[i]) &&
         (v.dtype == DType::kF32 || v.dtype == DType::kF16) && v.shape.is_static();
}

bool int_constant(const Graph& graph, const Node& node, size_t i) {
  if (i >= node.inputs.size() || node.inputs[i] == kNoValue) return false;
  const Value& v = graph.value(node.inputs[i]);
  return v.is_constant() && (v.dtype == DType::kI32 || v.dtype == DType::kI64);
}

// Constant data inputs of elementwise ops are uploaded as float weights.
bool constant_data_inputs_are_float(const Graph& g, const Node& node) {
  for (ValueId v : node.inputs) {
    if (v == kNoValue || !is_constant_foldable(g, v)) continue;
    const DType t = g.value(v).dtype;
    if (t != DType::kF32 && t != DType::kF16) return false;
  }
  return true;
}

Support check_op(const Graph& g, const Node& node) {
  const Shape& out = g.value(node.outputs[0]).shape;
  const Shape& in = g.value(node.inputs[0]).shape;
  switch (node.op) {
    case OpType::kConv2D:
      if (!float_constant(g, node, 1) || !float_constant(g, node, 2))
        return no(node, "with run-time (non-constant) weights not supported");
      if (in.rank() != 4 || g.value(node.inputs[1]).shape.rank() != 4)
        return no(node, "needs 4-D tensors");
      if (g.value(node.inputs[1]).shape[3] != in[3])
        return no(node, "grouped convolution not supported");
      return Support::yes();
    case OpType::kDepthwiseConv2D:
      if (!float_constant(g, node, 1) || !float_constant(g, node, 2))
        return no(node, "with run-time (non-constant) weights not supported");
      if (in.rank() != 4 || g.value(node.inputs[1]).shape.rank() != 4)
        return no(node, "needs 4-D tensors");
      return Support::yes();
    case OpType::kFullyConnected:
      if (!float_constant(g, node, 1) || !float_constant(g, node, 2))
        return no(node, "with run-time (non-constant) weights not supported");
      if (g.value(node.inputs[1]).shape.rank() != 2) return no(node, "needs 2-D weights");
      return Support::yes();
    ODIN_CASE_BINARY_OPS:
    case OpType::kPrelu:
      if (!constant_data_inputs_are_float(g, node))
        return no(node, "with a non-float constant input not supported");
      if (out.rank() > 4)
        return no(node, str_cat("of rank ", out.rank(), " not supported (max 4)"));
      return Support::yes();
    ODIN_CASE_UNARY_OPS:
    case OpType::kReshape:
    case OpType::kSqueeze:
    case OpType::kSoftmax:
      return Support::yes();
    case OpType::kConcatenation:
      if (!constant_data_inputs_are_float(g, node))
        return no(node, "with a non-float constant input not supported");
      return Support::yes();
    case OpType::kPad:
      if (!int_constant(g, node, 1)) return no(node, "with run-time paddings not supported");
      if (in.rank() > 4) return no(node, str_cat("of rank ", in.rank(), " not supported (max 4)"));
      return Support::yes();
    case OpType::kMean:
    case OpType::kSum:
      if (!int_constant(g, node, 1)) return no(node, "with run-time axes not supported");
      if (in.rank() > 4) return no(node, str_cat("of rank ", in.rank(), " not supported (max 4)"));
      return Support::yes();
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D:
    case OpType::kResizeBilinear:
    case OpType::kResizeNearestNeighbor:
    case OpType::kDepthToSpace:
    case OpType::kSpaceToDepth:
      if (in.rank() != 4 || out.rank() != 4) return no(node, "needs 4-D tensors");
      return Support::yes();
    default:
      return no(node, "not supported");
  }
}

}  // namespace

bool is_constant_foldable(const Graph& graph, ValueId v) {
  return foldable(graph, v, 0);
}

Support vulkan_supports(const Graph& g, const Node& node, const DeviceWorkarounds* workarounds) {
  if (workarounds)
    if (const std::string* why = workarounds->op_disabled(node.op))
      return no(node, str_cat("disabled on this driver (", *why, ")"));
  if (node.outputs.empty() || node.inputs.empty()) return no(node, "without inputs or outputs");
  // Everything constant: computed once on the host when the segment compiles.
  bool outputs_ok = true;
  for (ValueId v : node.outputs) {
    const int64_t n = g.value(v).shape.num_elements();
    outputs_ok = outputs_ok && n >= 0 &&
                 n * static_cast<int64_t>(dtype_size(g.value(v).dtype)) <= kMaxFoldBytes;
  }
  if (outputs_ok && all_inputs_foldable(g, node, 0)) return Support::yes();
  if (node.op == OpType::kDequantize || node.op == OpType::kDensify)
    return no(node, "of a run-time tensor not supported (constants are folded at compile time)");

  auto check_value = [&](ValueId v) -> Support {
    if (v == kNoValue) return Support::yes();
    const Value& val = g.value(v);
    if (val.is_constant()) return Support::yes();
    if (val.persistent) return no(node, "on persistent state not supported");
    if (val.dtype != DType::kF32)
      return no(node,
                str_cat("on ", dtype_name(val.dtype), " tensors not supported (float32 only)"));
    if (!val.shape.is_static()) return no(node, "with dynamic shapes not supported");
    if (val.shape.num_elements() <= 0) return no(node, "on empty tensors not supported");
    if (val.shape.num_elements() > INT32_MAX / 4)
      return no(node, "on tensors over 2^29 elements not supported");
    return Support::yes();
  };
  for (ValueId v : node.inputs)
    if (Support s = check_value(v); !s.ok) return s;
  for (ValueId v : node.outputs)
    if (Support s = check_value(v); !s.ok) return s;
  if (node.outputs.size() != 1) return no(node, "with several outputs not supported");
  return check_op(g, node);
}

}  // namespace odin::vk
