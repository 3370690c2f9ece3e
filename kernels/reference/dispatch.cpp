// Maps a node onto its reference kernel's typed signature.
#include "kernels/reference/reference.h"

namespace odin::ref {
namespace {

ConstTensorView in_or_empty(std::span<const ConstTensorView> in, size_t i) {
  return i < in.size() ? in[i] : ConstTensorView{};
}

}  // namespace

Status run_node(const Graph& graph, const Node& node, std::span<const ConstTensorView> in,
                std::span<const TensorView> out) {
  // Nothing to write: skip the kernel. Its loops over the other dims could
  // still run billions of empty iterations (a hostile [1,65536,65536,0]).
  bool all_empty = !out.empty();
  for (const TensorView& t : out) all_empty = all_empty && t.num_elements() == 0;
  if (all_empty) return Status();
  const OpAttrs& a = node.attrs;
  switch (node.op) {
  ODIN_CASE_BINARY_OPS:
    return binary(node.op, std::get<BinaryAttrs>(a), in[0], in[1], out[0]);
  ODIN_CASE_UNARY_OPS:
    return unary(node.op, a, in[0], out[0]);
    case OpType::kPrelu:
      return prelu(in[0], in[1], out[0]);
    case OpType::kDequantize: {
      const Value& v = graph.value(node.inputs[0]);
      return dequantize(in[0], v.quant ? &*v.quant : nullptr, out[0]);
    }
    case OpType::kDensify: {
      const Value& v = graph.value(node.inputs[0]);
      if (!v.sparsity)
        return make_error(StatusCode::kInvalidModel, "DENSIFY input '", v.name,
                          "' has no sparsity parameters");
      return densify(in[0], *v.sparsity, out[0]);
    }
    case OpType::kConv2D:
      return conv2d(std::get<Conv2DAttrs>(a), in[0], in[1], in_or_empty(in, 2), out[0]);
    case OpType::kDepthwiseConv2D:
      return depthwise_conv2d(std::get<DepthwiseConv2DAttrs>(a), in[0], in[1], in_or_empty(in, 2),
                              out[0]);
    case OpType::kTransposeConv:  // inputs: output_shape, filter, input, [bias]
      return transpose_conv(std::get<TransposeConvAttrs>(a), in[2], in[1], in_or_empty(in, 3),
                            out[0]);
    case OpType::kConvolution2DTransposeBias:  // inputs: input, filter, bias
      return transpose_conv(std::get<TransposeConvAttrs>(a), in[0], in[1], in_or_empty(in, 2),
                            out[0]);
    case OpType::kFullyConnected:
      return fully_connected(std::get<FullyConnectedAttrs>(a), in[0], in[1], in_or_empty(in, 2),
                             out[0]);
    case OpType::kBatchMatMul:
      return batch_matmul(std::get<BatchMatMulAttrs>(a), in[0], in[1], out[0]);
    case OpType::kAveragePool2D:
      return average_pool2d(std::get<Pool2DAttrs>(a), in[0], out[0]);
    case OpType::kMaxPool2D:
      return max_pool2d(std::get<Pool2DAttrs>(a), in[0], out[0]);
    case OpType::kMean:
    case OpType::kSum:
      return reduce(node.op, std::get<ReduceAttrs>(a), in[0], in[1], out[0]);
    case OpType::kSoftmax:
      return softmax(std::get<SoftmaxAttrs>(a), in[0], out[0]);
    case OpType::kConcatenation:
      return concatenation(std::get<ConcatenationAttrs>(a), in, out[0]);
    case OpType::kPad:
      return pad(in[0], in[1], out[0]);
    case OpType::kReshape:
    case OpType::kSqueeze:
      return copy(in[0], out[0]);
    case OpType::kTranspose:
      return transpose(in[0], in[1], out[0]);
    case OpType::kStridedSlice:
      return strided_slice(std::get<StridedSliceAttrs>(a), in[0], in[1], in[2], in_or_empty(in, 3),
                           out[0]);
    case OpType::kSlice:
      return slice(in[0], in[1], in[2], out[0]);
    case OpType::kGather:
      return gather(std::get<GatherAttrs>(a), in[0], in[1], out[0]);
    case OpType::kResizeBilinear:
      return resize_bilinear(std::get<ResizeAttrs>(a), in[0], out[0]);
    case OpType::kResizeNearestNeighbor:
      return resize_nearest(std::get<ResizeAttrs>(a), in[0], out[0]);
    case OpType::kDepthToSpace:
      return depth_to_space(std::get<BlockAttrs>(a), in[0], out[0]);
    case OpType::kSpaceToDepth:
      return space_to_depth(std::get<BlockAttrs>(a), in[0], out[0]);
    case OpType::kCount:
      break;
  }
  return make_error(StatusCode::kInternal, "no reference kernel for op ", op_type_name(node.op));
}

}  // namespace odin::ref
