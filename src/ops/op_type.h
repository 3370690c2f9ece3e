// Every operator odin's IR knows. Importers map file formats onto these;
// backends say per node whether they support it.
#pragma once

#include <cstdint>
#include <string_view>

namespace odin {

#define ODIN_OP_LIST(X)                                        \
  X(kAdd, "ADD")                                               \
  X(kSub, "SUB")                                               \
  X(kMul, "MUL")                                               \
  X(kDiv, "DIV")                                               \
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
  X(kDensify, "DENSIFY")                                       \
  X(kConv2D, "CONV_2D")                                        \
  X(kDepthwiseConv2D, "DEPTHWISE_CONV_2D")                     \
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
  X(kResizeBilinear, "RESIZE_BILINEAR")                        \
  X(kResizeNearestNeighbor, "RESIZE_NEAREST_NEIGHBOR")         \
  X(kDepthToSpace, "DEPTH_TO_SPACE")                           \
  X(kSpaceToDepth, "SPACE_TO_DEPTH")

enum class OpType : uint16_t {
#define ODIN_OP_ENUM(id, name) id,
  ODIN_OP_LIST(ODIN_OP_ENUM)
#undef ODIN_OP_ENUM
      kCount
};

// Case labels of op families, so every `switch` that treats a family alike
// lists it once: `ODIN_CASE_UNARY_OPS: return run_unary(...);`
#define ODIN_CASE_UNARY_OPS \
  case OpType::kLogistic:   \
  case OpType::kRelu:       \
  case OpType::kReluN1To1:  \
  case OpType::kRelu6:      \
  case OpType::kTanh:       \
  case OpType::kHardSwish:  \
  case OpType::kLeakyRelu:  \
  case OpType::kRsqrt:      \
  case OpType::kGelu
#define ODIN_CASE_BINARY_OPS \
  case OpType::kAdd:         \
  case OpType::kSub:         \
  case OpType::kMul:         \
  case OpType::kDiv

// The operator's name as users see it (TFLite's spelling).
std::string_view op_type_name(OpType type);

}  // namespace odin
