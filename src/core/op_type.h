// Every operator odin's IR knows, with the name users see (TFLite's
// spelling). This list is the IR's vocabulary: what an op means lives in its
// definition (src/ops/<op>.cpp, looked up with op_def()), importers map file
// formats onto these ids, and backends say per node whether they run it.
#pragma once

#include <cstdint>
#include <string_view>

namespace odin {

#define ODIN_OP_LIST(X)                                        \
  X(kAdd, "ADD")                                               \
  X(kSub, "SUB")                                               \
  X(kMul, "MUL")                                               \
  X(kDiv, "DIV")                                               \
  X(kSquaredDifference, "SQUARED_DIFFERENCE")                  \
  X(kLogistic, "LOGISTIC")                                     \
  X(kRelu, "RELU")                                             \
  X(kReluN1To1, "RELU_N1_TO_1")                                \
  X(kRelu6, "RELU6")                                           \
  X(kTanh, "TANH")                                             \
  X(kHardSwish, "HARD_SWISH")                                  \
  X(kLeakyRelu, "LEAKY_RELU")                                  \
  X(kRsqrt, "RSQRT")                                           \
  X(kGelu, "GELU")                                             \
  X(kPrelu, "PRELU")                                           \
  X(kDequantize, "DEQUANTIZE")                                 \
  X(kQuantize, "QUANTIZE")                                     \
  X(kDensify, "DENSIFY")                                       \
  X(kConv2D, "CONV_2D")                                        \
  X(kDepthwiseConv2D, "DEPTHWISE_CONV_2D")                     \
  X(kConv3D, "CONV_3D")                                        \
  X(kTransposeConv, "TRANSPOSE_CONV")                          \
  X(kConvolution2DTransposeBias, "Convolution2DTransposeBias") \
  X(kFullyConnected, "FULLY_CONNECTED")                        \
  X(kBatchMatMul, "BATCH_MATMUL")                              \
  X(kAveragePool2D, "AVERAGE_POOL_2D")                         \
  X(kMaxPool2D, "MAX_POOL_2D")                                 \
  X(kMean, "MEAN")                                             \
  X(kSum, "SUM")                                               \
  X(kSoftmax, "SOFTMAX")                                       \
  X(kConcatenation, "CONCATENATION")                           \
  X(kPad, "PAD")                                               \
  X(kReshape, "RESHAPE")                                       \
  X(kSqueeze, "SQUEEZE")                                       \
  X(kTranspose, "TRANSPOSE")                                   \
  X(kStridedSlice, "STRIDED_SLICE")                            \
  X(kSlice, "SLICE")                                           \
  X(kGather, "GATHER")                                         \
  X(kGatherNd, "GATHER_ND")                                    \
  X(kResizeBilinear, "RESIZE_BILINEAR")                        \
  X(kResizeNearestNeighbor, "RESIZE_NEAREST_NEIGHBOR")         \
  X(kDepthToSpace, "DEPTH_TO_SPACE")                           \
  X(kSpaceToDepth, "SPACE_TO_DEPTH")                           \
  X(kEmbedding, "EMBEDDING")                                   \
  X(kRmsNorm, "RMS_NORM")                                      \
  X(kRope, "ROPE")                                             \
  X(kAttention, "ATTENTION")                                   \
  X(kSwiglu, "SWIGLU")

enum class OpType : uint16_t {
#define ODIN_OP_ENUM(id, name) id,
  ODIN_OP_LIST(ODIN_OP_ENUM)
#undef ODIN_OP_ENUM
      kCount
};

// The operator's name as users see it (TFLite's spelling).
std::string_view op_type_name(OpType type);

}  // namespace odin
