#include "ops/registry.h"

#include <array>

#include "ops/attrs.h"
#include "ops/densify.h"
#include "ops/dequantize.h"
#include "ops/pad.h"
#include "ops/prelu.h"
#include "ops/slice.h"
#include "ops/transpose.h"

namespace odin {
namespace {

InferFn infer_fn(OpType t) {
  switch (t) {
  ODIN_CASE_BINARY_OPS:
    return infer_binary;
  ODIN_CASE_UNARY_OPS:
    return infer_unary;
    case OpType::kPrelu:
      return infer_prelu;
    case OpType::kDequantize:
      return infer_dequantize;
    case OpType::kDensify:
      return infer_densify;
    case OpType::kConv2D:
      return infer_conv2d;
    case OpType::kDepthwiseConv2D:
      return infer_depthwise_conv2d;
    case OpType::kTransposeConv:
      return infer_transpose_conv;
    case OpType::kConvolution2DTransposeBias:
      return infer_convolution2d_transpose_bias;
    case OpType::kFullyConnected:
      return infer_fully_connected;
    case OpType::kBatchMatMul:
      return infer_batch_matmul;
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D:
      return infer_pool2d;
    case OpType::kMean:
    case OpType::kSum:
      return infer_reduce;
    case OpType::kSoftmax:
      return infer_softmax;
    case OpType::kConcatenation:
      return infer_concatenation;
    case OpType::kPad:
      return infer_pad;
    case OpType::kReshape:
      return infer_reshape;
    case OpType::kSqueeze:
      return infer_squeeze;
    case OpType::kTranspose:
      return infer_transpose;
    case OpType::kStridedSlice:
      return infer_strided_slice;
    case OpType::kSlice:
      return infer_slice;
    case OpType::kGather:
      return infer_gather;
    case OpType::kResizeBilinear:
    case OpType::kResizeNearestNeighbor:
      return infer_resize;
    case OpType::kDepthToSpace:
      return infer_depth_to_space;
    case OpType::kSpaceToDepth:
      return infer_space_to_depth;
    case OpType::kCount:
      break;
  }
  return nullptr;
}

constexpr std::string_view kNames[] = {
#define ODIN_OP_NAME(id, name) name,
    ODIN_OP_LIST(ODIN_OP_NAME)
#undef ODIN_OP_NAME
};

std::array<OpDef, static_cast<size_t>(OpType::kCount)> build_table() {
  std::array<OpDef, static_cast<size_t>(OpType::kCount)> table{};
  for (size_t i = 0; i < table.size(); ++i) {
    const auto t = static_cast<OpType>(i);
    table[i] = OpDef{t, kNames[i], infer_fn(t)};
  }
  return table;
}

}  // namespace

std::string_view op_type_name(OpType type) {
  const auto i = static_cast<size_t>(type);
  return i < std::size(kNames) ? kNames[i] : std::string_view("?");
}

const OpDef& op_def(OpType type) {
  static const auto table = build_table();
  return table[static_cast<size_t>(type)];
}

Status infer_node(Graph& graph, NodeId id) {
  const Node& node = graph.node(id);
  std::vector<Shape> declared;
  for (ValueId v : node.outputs) declared.push_back(graph.value(v).shape);
  InferContext ctx(graph, id);
  ODIN_RETURN_IF_ERROR(op_def(node.op).infer(ctx));
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
  return Status();
}

Status infer_graph(Graph& graph) {
  for (size_t i = 0; i < graph.num_nodes(); ++i)
    ODIN_RETURN_IF_ERROR(infer_node(graph, static_cast<NodeId>(i)));
  return Status();
}

}  // namespace odin
