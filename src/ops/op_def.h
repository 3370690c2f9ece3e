// What an op is: one OpDef per op, defined once in src/ops/<op>.cpp and
// looked up by OpType. It holds everything the rest of odin needs to know
// about the op without naming it: shape/type inference, its reference kernel
// (the oracle, kernels/reference/<op>.cpp), its cost, and the traits the
// graph passes and planners read (activation fusion, PAD folding, in-place
// reuse, which elementwise function it computes).
#pragma once

#include <span>

#include "core/graph.h"
#include "core/tensor.h"
#include "ops/strided_view.h"

namespace odin {

class InferContext;

// What a kernel sees: the node and views of its inputs and outputs.
// An absent optional input is an empty view (data == nullptr).
struct KernelArgs {
  const Graph& graph;
  const Node& node;
  std::span<const ConstTensorView> inputs;
  std::span<const TensorView> outputs;

  ConstTensorView input(size_t i) const {
    return i < inputs.size() ? inputs[i] : ConstTensorView{};
  }
  // The node's attributes of type A, or null when it carries another kind.
  template <typename A>
  const A* attrs() const {
    return std::get_if<A>(&node.attrs);
  }
};

// Amounts of a zero PAD, [rank][before, after], offered to its reader.
struct PadAmounts {
  std::vector<int64_t> before, after;
};

// How a node's output may share bytes with an input (runtime/memory_planner).
enum class OutputReuse : uint8_t {
  kNone,
  // Elementwise: the output may overwrite an input of the same dtype and
  // shape that dies at the node; kernels read element i before writing it.
  kElementwise,
  // The output is input 0's bytes under another shape (RESHAPE, SQUEEZE).
  kView,
};

struct OpDef {
  OpType type = OpType::kCount;
  // Checks the node and defines its outputs' dtypes and shapes.
  Status (*infer)(InferContext& ctx) = nullptr;
  // The reference kernel: plain loops, obviously right.
  Status (*reference)(const KernelArgs& args) = nullptr;

  // Work of one run in multiply-accumulates; null: one step per element
  // read and written. `macs_are_flops`: the work is real multiply-adds
  // (convolutions, matrix products), so 2 x work is its FLOP count.
  int64_t (*work)(const Graph& graph, const Node& node) = nullptr;
  bool macs_are_flops = false;

  // The attribute a following RELU / RELU6 / RELU_N1_TO_1 folds into (its
  // fused activation); null: the op has none.
  Activation* (*activation_slot)(OpAttrs& attrs) = nullptr;
  // This op is that standalone activation (RELU -> kRelu), so it may fold
  // into its producer's slot.
  Activation as_fused_activation = Activation::kNone;

  // Takes a zero PAD (amounts `pad`, of input `input`) into the node's own
  // attributes so it reads the unpadded tensor; false when it cannot.
  // `graph` gives the shapes; only node.attrs may change.
  bool (*absorb_pad)(const Graph& graph, Node& node, size_t input, const PadAmounts& pad) = nullptr;

  // The input slot of an optional float32 tensor of the output's shape that
  // the kernel adds to its result before the fused activation: a residual
  // ADD folded into its producer (passes: fuse_add). -1: the op has none.
  int addend_input = -1;
  // The input slot of an optional float32 slope per output channel (C
  // values: shape [C], [1, 1, C], ...) that the kernel applies last, after
  // the fused activation: y < 0 ? alpha[c] * y : y. A PRELU folded into its
  // producer (passes: fuse_prelu). -1: the op has none. Like addend_input,
  // it binds every backend's entry: each runs it or declines the node.
  int prelu_alpha_input = -1;

  OutputReuse output_reuse = OutputReuse::kNone;

  // The elementwise function the node computes (core/elementwise_fns.h);
  // null: none. Backends with one generic elementwise kernel use it.
  UnaryFn (*unary_fn)(const OpAttrs& attrs) = nullptr;
  BinaryFn binary_fn = BinaryFn::kNone;
  // Whether the op reads sparse constants (Value::sparsity) itself; every
  // other op is refused one, since it would read the packed values as dense.
  bool reads_sparse_inputs = false;
  // Inputs (bit i = input i) the kernel updates in place: persistent state
  // such as an LLM's KV cache (Value::persistent), which outlives the run.
  // Shape inference refuses a node whose such input is not persistent.
  uint32_t writes_state_inputs = 0;
  // The node copies a strided view of input 0 (TRANSPOSE, SLICE,
  // STRIDED_SLICE), fixed by its constant operands; an error when an operand
  // is not a constant. Backends with one strided-copy kernel run it.
  Result<StridedView> (*strided_view)(const Graph& graph, const Node& node) = nullptr;
};

// The definition of `type` (every OpType has one).
const OpDef& op_def(OpType type);

// The unary function of `node`, or UnaryFn::kNone.
UnaryFn unary_fn_of(const Node& node);
// The node's fused residual addend (OpDef::addend_input), or kNoValue.
ValueId addend_of(const Node& node);
// The node's fused PRELU slopes (OpDef::prelu_alpha_input), or kNoValue.
ValueId prelu_alpha_of(const Node& node);

// Runs the node's shape inference. If the output already had a static shape
// (declared by the model file) it must agree with the inferred one.
Status infer_node(Graph& graph, NodeId id);
// Infers every node in order.
Status infer_graph(Graph& graph);

// Runs `node` with its reference kernel. Outputs with no elements are left
// alone (a hostile [1, 65536, 65536, 0] would otherwise loop for nothing).
Status run_reference(const Graph& graph, const Node& node, std::span<const ConstTensorView> inputs,
                     std::span<const TensorView> outputs);

// True when every output of `node` has a static shape with no elements: no
// backend needs to run it (its loops over the other dims could still spin).
bool writes_no_elements(const Graph& graph, const Node& node);

// Work of one node (OpDef::work, else element steps); -1 when a shape is
// unknown. Saturates at INT64_MAX / 4 instead of overflowing.
int64_t node_work(const Graph& graph, const Node& node);
// Sum over all nodes (saturating); -1 if any is unknown.
int64_t graph_work(const Graph& graph);

// Defines the OpDef of `id` (an OpType enumerator) with designated
// initializers in OpDef's field order, e.g.
//   ODIN_DEFINE_OP(kRelu, .infer = infer_unary, .reference = ref::unary_node);
// The registry (registry.cpp) finds it by that name: an op without one
// fails to link. Constant-initialized, so it is usable at any time.
#define ODIN_DEFINE_OP(id, ...)        \
  extern const OpDef odin_op_##id;     \
  constinit const OpDef odin_op_##id { \
    .type = OpType::id, __VA_ARGS__    \
  }

}  // namespace odin
