#include "format/tflite/tflite_ops.h"

#include <algorithm>
#include <cstring>
#include <iterator>

namespace odin::tflite {
namespace {

namespace fb = tflite_fb;

constexpr const char* kBuiltinNames[] = {
#include "format/tflite/builtin_names.inc"
};

// BuiltinOperator codes odin maps (values from the public schema.fbs).
struct BuiltinEntry {
  int32_t code;
  OpType type;
};
constexpr BuiltinEntry kBuiltins[] = {
    {0, OpType::kAdd},
    {1, OpType::kAveragePool2D},
    {2, OpType::kConcatenation},
    {3, OpType::kConv2D},
    {4, OpType::kDepthwiseConv2D},
    {5, OpType::kDepthToSpace},
    {6, OpType::kDequantize},
    {9, OpType::kFullyConnected},
    {14, OpType::kLogistic},
    {17, OpType::kMaxPool2D},
    {18, OpType::kMul},
    {19, OpType::kRelu},
    {20, OpType::kReluN1To1},
    {21, OpType::kRelu6},
    {22, OpType::kReshape},
    {23, OpType::kResizeBilinear},
    {25, OpType::kSoftmax},
    {26, OpType::kSpaceToDepth},
    {28, OpType::kTanh},
    {34, OpType::kPad},
    {36, OpType::kGather},
    {39, OpType::kTranspose},
    {40, OpType::kMean},
    {41, OpType::kSub},
    {42, OpType::kDiv},
    {43, OpType::kSqueeze},
    {45, OpType::kStridedSlice},
    {54, OpType::kPrelu},
    {65, OpType::kSlice},
    {67, OpType::kTransposeConv},
    {74, OpType::kSum},
    {76, OpType::kRsqrt},
    {97, OpType::kResizeNearestNeighbor},
    {98, OpType::kLeakyRelu},
    {117, OpType::kHardSwish},
    {124, OpType::kDensify},
    {126, OpType::kBatchMatMul},
    {150, OpType::kGelu},
};
constexpr int32_t kCustomCode = 32;

Activation map_activation(fb::ActivationFunctionType a) {
  switch (a) {
    case fb::ActivationFunctionType::NONE:
      return Activation::kNone;
    case fb::ActivationFunctionType::RELU:
      return Activation::kRelu;
    case fb::ActivationFunctionType::RELU_N1_TO_1:
      return Activation::kReluN1To1;
    case fb::ActivationFunctionType::RELU6:
      return Activation::kRelu6;
    case fb::ActivationFunctionType::TANH:
      return Activation::kTanh;
    case fb::ActivationFunctionType::SIGN_BIT:
      return Activation::kSignBit;
  }
  return static_cast<Activation>(255);
}

Status check_activation(fb::ActivationFunctionType a) {
  if (map_activation(a) == static_cast<Activation>(255))
    return make_error(StatusCode::kInvalidModel, "unknown fused activation ", static_cast<int>(a));
  return Status();
}

Padding map_padding(fb::Padding p) {
  return p == fb::Padding::SAME ? Padding::kSame : Padding::kValid;
}

Status check_padding(fb::Padding p) {
  if (p != fb::Padding::SAME && p != fb::Padding::VALID)
    return make_error(StatusCode::kInvalidModel, "unknown padding ", static_cast<int>(p));
  return Status();
}

template <typename T>
Status require(const T* options, const char* what) {
  if (!options) return make_error(StatusCode::kInvalidModel, "missing ", what);
  return Status();
}

// MediaPipe's Convolution2DTransposeBias stores TfLiteTransposeConvParams as
// raw bytes: int32 padding (1 = SAME, 2 = VALID), stride_width, stride_height
// (mediapipe/util/tflite/operations/transpose_conv_bias.cc).
Status parse_transpose_conv_bias(const fb::Operator& op, Node* node) {
  const auto* raw = op.custom_options();
  if (!raw || raw->size() < 12)
    return make_error(StatusCode::kInvalidModel,
                      "Convolution2DTransposeBias needs 12 bytes of custom options, has ",
                      raw ? raw->size() : 0);
  int32_t v[3];
  std::memcpy(v, raw->data(), sizeof(v));
  if (v[0] != 1 && v[0] != 2)
    return make_error(StatusCode::kInvalidModel, "Convolution2DTransposeBias padding ", v[0],
                      " is neither SAME (1) nor VALID (2)");
  TransposeConvAttrs a;
  a.padding = v[0] == 1 ? Padding::kSame : Padding::kValid;
  a.stride_w = v[1];
  a.stride_h = v[2];
  node->attrs = a;
  return Status();
}

}  // namespace

int32_t builtin_code(const fb::OperatorCode& code) {
  return std::max<int32_t>(code.builtin_code(), code.deprecated_builtin_code());
}

std::string builtin_name(int32_t code) {
  if (code >= 0 && code < static_cast<int32_t>(std::size(kBuiltinNames)))
    return kBuiltinNames[code];
  return str_cat("BUILTIN_", code);
}

bool map_op(const fb::OperatorCode& code, OpType* type, std::string* name) {
  const int32_t c = builtin_code(code);
  if (c == kCustomCode) {
    *name = code.custom_code() ? code.custom_code()->str() : std::string("CUSTOM");
    if (*name == "Convolution2DTransposeBias") {
      *type = OpType::kConvolution2DTransposeBias;
      return true;
    }
    return false;
  }
  *name = builtin_name(c);
  for (const BuiltinEntry& e : kBuiltins) {
    if (e.code == c) {
      *type = e.type;
      return true;
    }
  }
  return false;
}

Status parse_attrs(const fb::Operator& op, Node* node) {
  switch (node->op) {
  ODIN_CASE_BINARY_OPS : {
    fb::ActivationFunctionType act = fb::ActivationFunctionType::NONE;
    if (const auto* o = op.builtin_options_as_AddOptions()) act = o->fused_activation_function();
    if (const auto* o = op.builtin_options_as_SubOptions()) act = o->fused_activation_function();
    if (const auto* o = op.builtin_options_as_MulOptions()) act = o->fused_activation_function();
    if (const auto* o = op.builtin_options_as_DivOptions()) act = o->fused_activation_function();
    ODIN_RETURN_IF_ERROR(check_activation(act));
    node->attrs = BinaryAttrs{map_activation(act)};
    return Status();
  }
  case OpType::kConv2D: {
    const auto* o = op.builtin_options_as_Conv2DOptions();
    ODIN_RETURN_IF_ERROR(require(o, "Conv2DOptions"));
    ODIN_RETURN_IF_ERROR(check_padding(o->padding()));
    ODIN_RETURN_IF_ERROR(check_activation(o->fused_activation_function()));
    Conv2DAttrs a;
    a.padding = map_padding(o->padding());
    a.stride_w = o->stride_w();
    a.stride_h = o->stride_h();
    a.dilation_w = o->dilation_w_factor();
    a.dilation_h = o->dilation_h_factor();
    a.activation = map_activation(o->fused_activation_function());
    node->attrs = a;
    return Status();
  }
  case OpType::kDepthwiseConv2D: {
    const auto* o = op.builtin_options_as_DepthwiseConv2DOptions();
    ODIN_RETURN_IF_ERROR(require(o, "DepthwiseConv2DOptions"));
    ODIN_RETURN_IF_ERROR(check_padding(o->padding()));
    ODIN_RETURN_IF_ERROR(check_activation(o->fused_activation_function()));
    DepthwiseConv2DAttrs a;
    a.padding = map_padding(o->padding());
    a.stride_w = o->stride_w();
    a.stride_h = o->stride_h();
    a.dilation_w = o->dilation_w_factor();
    a.dilation_h = o->dilation_h_factor();
    a.depth_multiplier = o->depth_multiplier();
    a.activation = map_activation(o->fused_activation_function());
    node->attrs = a;
    return Status();
  }
  case OpType::kTransposeConv: {
    const auto* o = op.builtin_options_as_TransposeConvOptions();
    ODIN_RETURN_IF_ERROR(require(o, "TransposeConvOptions"));
    ODIN_RETURN_IF_ERROR(check_padding(o->padding()));
    ODIN_RETURN_IF_ERROR(check_activation(o->fused_activation_function()));
    TransposeConvAttrs a;
    a.padding = map_padding(o->padding());
    a.stride_w = o->stride_w();
    a.stride_h = o->stride_h();
    a.activation = map_activation(o->fused_activation_function());
    node->attrs = a;
    return Status();
  }
  case OpType::kConvolution2DTransposeBias:
    return parse_transpose_conv_bias(op, node);
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D: {
      const auto* o = op.builtin_options_as_Pool2DOptions();
      ODIN_RETURN_IF_ERROR(require(o, "Pool2DOptions"));
      ODIN_RETURN_IF_ERROR(check_padding(o->padding()));
      ODIN_RETURN_IF_ERROR(check_activation(o->fused_activation_function()));
      Pool2DAttrs a;
      a.padding = map_padding(o->padding());
      a.stride_w = o->stride_w();
      a.stride_h = o->stride_h();
      a.filter_w = o->filter_width();
      a.filter_h = o->filter_height();
      a.activation = map_activation(o->fused_activation_function());
      node->attrs = a;
      return Status();
    }
    case OpType::kFullyConnected: {
      FullyConnectedAttrs a;
      if (const auto* o = op.builtin_options_as_FullyConnectedOptions()) {
        ODIN_RETURN_IF_ERROR(check_activation(o->fused_activation_function()));
        if (o->weights_format() != 0)
          return make_error(StatusCode::kUnsupported, "shuffled FULLY_CONNECTED weights format ",
                            static_cast<int>(o->weights_format()));
        a.activation = map_activation(o->fused_activation_function());
        a.keep_num_dims = o->keep_num_dims();
      }
      node->attrs = a;
      return Status();
    }
    case OpType::kBatchMatMul: {
      BatchMatMulAttrs a;
      if (const auto* o = op.builtin_options_as_BatchMatMulOptions()) {
        a.adj_x = o->adj_x();
        a.adj_y = o->adj_y();
      }
      node->attrs = a;
      return Status();
    }
    case OpType::kMean:
    case OpType::kSum: {
      ReduceAttrs a;
      if (const auto* o = op.builtin_options_as_ReducerOptions()) a.keep_dims = o->keep_dims();
      node->attrs = a;
      return Status();
    }
    case OpType::kSoftmax: {
      SoftmaxAttrs a;
      if (const auto* o = op.builtin_options_as_SoftmaxOptions()) a.beta = o->beta();
      node->attrs = a;
      return Status();
    }
    case OpType::kConcatenation: {
      const auto* o = op.builtin_options_as_ConcatenationOptions();
      ConcatenationAttrs a;
      if (o) {
        ODIN_RETURN_IF_ERROR(check_activation(o->fused_activation_function()));
        a.axis = o->axis();
        a.activation = map_activation(o->fused_activation_function());
      }
      node->attrs = a;
      return Status();
    }
    case OpType::kReshape: {
      ReshapeAttrs a;
      if (const auto* o = op.builtin_options_as_ReshapeOptions(); o && o->new_shape()) {
        a.has_new_shape = true;
        a.new_shape.assign(o->new_shape()->begin(), o->new_shape()->end());
      }
      node->attrs = a;
      return Status();
    }
    case OpType::kSqueeze: {
      SqueezeAttrs a;
      if (const auto* o = op.builtin_options_as_SqueezeOptions(); o && o->squeeze_dims())
        a.squeeze_dims.assign(o->squeeze_dims()->begin(), o->squeeze_dims()->end());
      node->attrs = a;
      return Status();
    }
    case OpType::kStridedSlice: {
      StridedSliceAttrs a;
      if (const auto* o = op.builtin_options_as_StridedSliceOptions()) {
        a.begin_mask = o->begin_mask();
        a.end_mask = o->end_mask();
        a.ellipsis_mask = o->ellipsis_mask();
        a.new_axis_mask = o->new_axis_mask();
        a.shrink_axis_mask = o->shrink_axis_mask();
        a.offset = o->offset();
      }
      node->attrs = a;
      return Status();
    }
    case OpType::kGather: {
      GatherAttrs a;
      if (const auto* o = op.builtin_options_as_GatherOptions()) {
        a.axis = o->axis();
        a.batch_dims = o->batch_dims();
      }
      node->attrs = a;
      return Status();
    }
    case OpType::kResizeBilinear: {
      ResizeAttrs a;
      if (const auto* o = op.builtin_options_as_ResizeBilinearOptions()) {
        a.align_corners = o->align_corners();
        a.half_pixel_centers = o->half_pixel_centers();
      }
      node->attrs = a;
      return Status();
    }
    case OpType::kResizeNearestNeighbor: {
      ResizeAttrs a;
      if (const auto* o = op.builtin_options_as_ResizeNearestNeighborOptions()) {
        a.align_corners = o->align_corners();
        a.half_pixel_centers = o->half_pixel_centers();
      }
      node->attrs = a;
      return Status();
    }
    case OpType::kDepthToSpace: {
      const auto* o = op.builtin_options_as_DepthToSpaceOptions();
      ODIN_RETURN_IF_ERROR(require(o, "DepthToSpaceOptions"));
      node->attrs = BlockAttrs{o->block_size()};
      return Status();
    }
    case OpType::kSpaceToDepth: {
      const auto* o = op.builtin_options_as_SpaceToDepthOptions();
      ODIN_RETURN_IF_ERROR(require(o, "SpaceToDepthOptions"));
      node->attrs = BlockAttrs{o->block_size()};
      return Status();
    }
    case OpType::kLeakyRelu: {
      LeakyReluAttrs a;
      if (const auto* o = op.builtin_options_as_LeakyReluOptions()) a.alpha = o->alpha();
      node->attrs = a;
      return Status();
    }
    case OpType::kGelu: {
      GeluAttrs a;
      if (const auto* o = op.builtin_options_as_GeluOptions()) a.approximate = o->approximate();
      node->attrs = a;
      return Status();
    }
    default:
      node->attrs = std::monostate{};
      return Status();
  }
}

}  // namespace odin::tflite
