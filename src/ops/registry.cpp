// The op table: one OpDef per OpType, each defined in its op's file
// (ODIN_DEFINE_OP), collected here by name from the op list.
#include <algorithm>
#include <array>

#include "ops/infer_context.h"
#include "ops/op_def.h"

namespace odin {

#define ODIN_DECLARE_OP_DEF(id, name) extern const OpDef odin_op_##id;
ODIN_OP_LIST(ODIN_DECLARE_OP_DEF)
#undef ODIN_DECLARE_OP_DEF

namespace {

constexpr std::array<const OpDef*, static_cast<size_t>(OpType::kCount)> kOpDefs = {
#define ODIN_OP_DEF_ADDRESS(id, name) &odin_op_##id,
    ODIN_OP_LIST(ODIN_OP_DEF_ADDRESS)
#undef ODIN_OP_DEF_ADDRESS
};

constexpr int64_t kCap = INT64_MAX / 4;

// One step per element read and written: elementwise ops, reductions and
// data movement.
int64_t element_steps(const Graph& g, const Node& n) {
  int64_t total = 0;
  for (const std::vector<ValueId>* values : {&n.outputs, &n.inputs})
    for (ValueId v : *values) {
      if (v == kNoValue) continue;
      const int64_t e = g.value(v).shape.num_elements();
      if (e < 0) return -1;
      total = std::min(kCap, total + e);
    }
  return total;
}

}  // namespace

const OpDef& op_def(OpType type) {
  static const OpDef kUnknown{};
  const auto i = static_cast<size_t>(type);
  return i < kOpDefs.size() ? *kOpDefs[i] : kUnknown;
}

UnaryFn unary_fn_of(const Node& node) {
  const OpDef& d = op_def(node.op);
  return d.unary_fn ? d.unary_fn(node.attrs) : UnaryFn::kNone;
}

namespace {
ValueId input_at(const Node& node, int slot) {
  if (slot < 0 || static_cast<size_t>(slot) >= node.inputs.size()) return kNoValue;
  return node.inputs[static_cast<size_t>(slot)];
}
}  // namespace

ValueId addend_of(const Node& node) {
  return input_at(node, op_def(node.op).addend_input);
}

ValueId prelu_alpha_of(const Node& node) {
  return input_at(node, op_def(node.op).prelu_alpha_input);
}

Status infer_node(Graph& graph, NodeId id) {
  const Node& node = graph.node(id);
  const OpDef& def = op_def(node.op);
  if (!def.infer)
    return make_error(StatusCode::kInternal, graph.describe_node(id), ": op has no definition");
  if (!def.reads_sparse_inputs)
    for (ValueId v : node.inputs)
      if (v != kNoValue && graph.value(v).sparsity)
        return make_error(StatusCode::kInvalidModel, graph.describe_node(id), ": input ",
                          graph.describe_value(v),
                          " is a sparse constant, which only DENSIFY can read");
  for (size_t i = 0; i < node.inputs.size() && i < 32; ++i) {
    const ValueId v = node.inputs[i];
    if ((def.writes_state_inputs >> i & 1) && v != kNoValue && !graph.value(v).persistent)
      return make_error(StatusCode::kInvalidModel, graph.describe_node(id), ": input ", i, " ",
                        graph.describe_value(v),
                        " is updated in place by the op, so it must be persistent state");
  }
  std::vector<Shape> declared;
  for (ValueId v : node.outputs) declared.push_back(graph.value(v).shape);
  InferContext ctx(graph, id);
  ODIN_RETURN_IF_ERROR(def.infer(ctx));
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    const Value& out = graph.value(node.outputs[i]);
    if (out.dtype == DType::kUnknown)
      return make_error(StatusCode::kInternal, graph.describe_node(id), ": output ", i,
                        " left undefined by shape inference");
    const Shape& d = declared[i];
    if (d.rank() == 0 || !d.is_static() || d.num_elements() == 0) continue;
    if (d.num_elements() != out.shape.num_elements() ||
        (d.rank() == out.shape.rank() && d != out.shape))
      return make_error(StatusCode::kInvalidModel, graph.describe_node(id), ": output ",
                        graph.describe_value(node.outputs[i]), " is declared as ", d.str(),
                        " but the op produces ", out.shape.str());
  }
  // A per-channel table checked against the declared shape must still fit
  // the produced one (a declared [3,2] produced as [1,3,1,2]).
  for (ValueId v : node.outputs) {
    const Value& out = graph.value(v);
    if (!out.quant || out.quant->scales.size() <= 1) continue;
    const auto axis = static_cast<size_t>(out.quant->axis);
    if (out.quant->axis < 0 || axis >= out.shape.rank() ||
        out.shape[axis] != static_cast<int64_t>(out.quant->scales.size()))
      return make_error(StatusCode::kInvalidModel, graph.describe_node(id), ": output ",
                        graph.describe_value(v), " has ", out.quant->scales.size(),
                        " per-channel scales along axis ", out.quant->axis,
                        ", which the shape the op produces, ", out.shape.str(), ", does not have");
  }
  return Status();
}

Status infer_graph(Graph& graph) {
  for (size_t i = 0; i < graph.num_nodes(); ++i)
    ODIN_RETURN_IF_ERROR(infer_node(graph, static_cast<NodeId>(i)));
  return Status();
}

Status run_reference(const Graph& graph, const Node& node, std::span<const ConstTensorView> inputs,
                     std::span<const TensorView> outputs) {
  // Nothing to write: skip the kernel. Its loops over the other dims could
  // still run billions of empty iterations (a hostile [1,65536,65536,0]).
  bool all_empty = !outputs.empty();
  for (const TensorView& t : outputs) all_empty = all_empty && t.num_elements() == 0;
  if (all_empty) return Status();
  const OpDef& def = op_def(node.op);
  if (!def.reference)
    return make_error(StatusCode::kInternal, "no reference kernel for op ", op_type_name(node.op));
  return def.reference(KernelArgs{graph, node, inputs, outputs});
}

bool writes_no_elements(const Graph& graph, const Node& node) {
  if (node.outputs.empty()) return false;
  for (ValueId v : node.outputs)
    if (v == kNoValue || graph.value(v).shape.num_elements() != 0) return false;
  return true;
}

int64_t node_work(const Graph& graph, const Node& node) {
  const OpDef& def = op_def(node.op);
  return def.work ? def.work(graph, node) : element_steps(graph, node);
}

int64_t graph_work(const Graph& graph) {
  int64_t total = 0;
  for (const Node& n : graph.nodes()) {
    const int64_t w = node_work(graph, n);
    if (w < 0) return -1;
    total = std::min(kCap, total + w);
  }
  return total;
}

}  // namespace odin
