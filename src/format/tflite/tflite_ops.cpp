// The TFLite code map: each builtin operator code odin runs, the op it
// becomes, and the reader of its options (one small function per options
// table; codes and field meanings from the public schema.fbs).
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

// The fused activation, or an error for a value the schema does not define.
Result<Activation> activation(fb::ActivationFunctionType a) {
  const Activation act = map_activation(a);
  if (act == static_cast<Activation>(255))
    return make_error(StatusCode::kInvalidModel, "unknown fused activation ", static_cast<int>(a));
  return act;
}

Result<Padding> padding(fb::Padding p) {
  if (p == fb::Padding::SAME) return Padding::kSame;
  if (p == fb::Padding::VALID) return Padding::kValid;
  return make_error(StatusCode::kInvalidModel, "unknown padding ", static_cast<int>(p));
}

template <typename T>
Status require(const T* options, const char* what) {
  if (!options) return make_error(StatusCode::kInvalidModel, "missing ", what);
  return Status();
}

Status no_attrs(const fb::Operator&, Node* node) {
  node->attrs = std::monostate{};
  return Status();
}

// ADD, SUB, MUL, DIV: each has its own options table with the same field.
template <typename Options, const Options* (fb::Operator::*kGet)() const>
Status parse_binary(const fb::Operator& op, Node* node) {
  BinaryAttrs a;
  if (const Options* o = (op.*kGet)()) {
    ODIN_ASSIGN_OR_RETURN(a.activation, activation(o->fused_activation_function()));
  }
  node->attrs = a;
  return Status();
}

// SQUARED_DIFFERENCE: empty options; no fused activation.
Status parse_squared_difference(const fb::Operator&, Node* node) {
  node->attrs = BinaryAttrs{};
  return Status();
}

// The fields sliding-window options tables share: padding, strides and
// the fused activation (and dilations where the table has them).
template <typename Options, typename Attrs>
Status read_window(const Options& o, Attrs& a) {
  ODIN_ASSIGN_OR_RETURN(a.padding, padding(o.padding()));
  ODIN_ASSIGN_OR_RETURN(a.activation, activation(o.fused_activation_function()));
  a.stride_w = o.stride_w();
  a.stride_h = o.stride_h();
  if constexpr (requires { o.dilation_w_factor(); }) {
    a.dilation_w = o.dilation_w_factor();
    a.dilation_h = o.dilation_h_factor();
  }
  return Status();
}

// CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, AVERAGE_POOL_2D, MAX_POOL_2D.
template <typename Options, const Options* (fb::Operator::*kGet)() const, typename Attrs>
Status parse_window(const fb::Operator& op, Node* node) {
  const Options* o = (op.*kGet)();
  ODIN_RETURN_IF_ERROR(require(o, "window options (padding, strides)"));
  Attrs a;
  ODIN_RETURN_IF_ERROR(read_window(*o, a));
  if constexpr (std::is_same_v<Attrs, DepthwiseConv2DAttrs>)
    a.depth_multiplier = o->depth_multiplier();
  if constexpr (std::is_same_v<Attrs, Pool2DAttrs>) {
    a.filter_w = o->filter_width();
    a.filter_h = o->filter_height();
  }
  node->attrs = a;
  return Status();
}

// CONV_3D: padding, strides and dilations per axis (depth, height, width).
Status parse_conv3d(const fb::Operator& op, Node* node) {
  const fb::Conv3DOptions* o = op.builtin_options_as_Conv3DOptions();
  ODIN_RETURN_IF_ERROR(require(o, "Conv3DOptions (padding, strides)"));
  Conv3DAttrs a;
  ODIN_RETURN_IF_ERROR(read_window(*o, a));
  a.stride_d = o->stride_d();
  a.dilation_d = o->dilation_d_factor();
  node->attrs = a;
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

Status parse_fully_connected(const fb::Operator& op, Node* node) {
  FullyConnectedAttrs a;
  if (const auto* o = op.builtin_options_as_FullyConnectedOptions()) {
    ODIN_ASSIGN_OR_RETURN(a.activation, activation(o->fused_activation_function()));
    if (o->weights_format() != 0)
      return make_error(StatusCode::kUnsupported, "shuffled FULLY_CONNECTED weights format ",
                        static_cast<int>(o->weights_format()));
    a.keep_num_dims = o->keep_num_dims();
  }
  node->attrs = a;
  return Status();
}

Status parse_batch_matmul(const fb::Operator& op, Node* node) {
  BatchMatMulAttrs a;
  if (const auto* o = op.builtin_options_as_BatchMatMulOptions()) {
    a.adj_x = o->adj_x();
    a.adj_y = o->adj_y();
  }
  node->attrs = a;
  return Status();
}

Status parse_reducer(const fb::Operator& op, Node* node) {
  ReduceAttrs a;
  if (const auto* o = op.builtin_options_as_ReducerOptions()) a.keep_dims = o->keep_dims();
  node->attrs = a;
  return Status();
}

Status parse_softmax(const fb::Operator& op, Node* node) {
  SoftmaxAttrs a;
  if (const auto* o = op.builtin_options_as_SoftmaxOptions()) a.beta = o->beta();
  node->attrs = a;
  return Status();
}

Status parse_concatenation(const fb::Operator& op, Node* node) {
  ConcatenationAttrs a;
  if (const auto* o = op.builtin_options_as_ConcatenationOptions()) {
    ODIN_ASSIGN_OR_RETURN(a.activation, activation(o->fused_activation_function()));
    a.axis = o->axis();
  }
  node->attrs = a;
  return Status();
}

Status parse_reshape(const fb::Operator& op, Node* node) {
  ReshapeAttrs a;
  if (const auto* o = op.builtin_options_as_ReshapeOptions(); o && o->new_shape()) {
    a.has_new_shape = true;
    a.new_shape.assign(o->new_shape()->begin(), o->new_shape()->end());
  }
  node->attrs = a;
  return Status();
}

Status parse_squeeze(const fb::Operator& op, Node* node) {
  SqueezeAttrs a;
  if (const auto* o = op.builtin_options_as_SqueezeOptions(); o && o->squeeze_dims())
    a.squeeze_dims.assign(o->squeeze_dims()->begin(), o->squeeze_dims()->end());
  node->attrs = a;
  return Status();
}

Status parse_strided_slice(const fb::Operator& op, Node* node) {
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

Status parse_gather(const fb::Operator& op, Node* node) {
  GatherAttrs a;
  if (const auto* o = op.builtin_options_as_GatherOptions()) {
    a.axis = o->axis();
    a.batch_dims = o->batch_dims();
  }
  node->attrs = a;
  return Status();
}

// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: own options tables, same fields.
template <typename Options, const Options* (fb::Operator::*kGet)() const>
Status parse_resize(const fb::Operator& op, Node* node) {
  ResizeAttrs a;
  if (const Options* o = (op.*kGet)()) {
    a.align_corners = o->align_corners();
    a.half_pixel_centers = o->half_pixel_centers();
  }
  node->attrs = a;
  return Status();
}

// DEPTH_TO_SPACE and SPACE_TO_DEPTH: own options tables, same field.
template <typename Options, const Options* (fb::Operator::*kGet)() const>
Status parse_block(const fb::Operator& op, Node* node) {
  const Options* o = (op.*kGet)();
  ODIN_RETURN_IF_ERROR(require(o, "block size options"));
  node->attrs = BlockAttrs{o->block_size()};
  return Status();
}

Status parse_leaky_relu(const fb::Operator& op, Node* node) {
  LeakyReluAttrs a;
  if (const auto* o = op.builtin_options_as_LeakyReluOptions()) a.alpha = o->alpha();
  node->attrs = a;
  return Status();
}

Status parse_gelu(const fb::Operator& op, Node* node) {
  GeluAttrs a;
  if (const auto* o = op.builtin_options_as_GeluOptions()) a.approximate = o->approximate();
  node->attrs = a;
  return Status();
}

// --- Writing node.attrs back as options (the inverse of the readers) ------

// odin's Activation lists TFLite's values in the schema's order.
static_assert(static_cast<int>(Activation::kSignBit) ==
              static_cast<int>(fb::ActivationFunctionType::SIGN_BIT));
fb::ActivationFunctionType fb_activation(Activation a) {
  return static_cast<fb::ActivationFunctionType>(a);
}

Result<fb::Padding> fb_padding(Padding p) {
  if (p == Padding::kSame) return fb::Padding::SAME;
  if (p == Padding::kValid) return fb::Padding::VALID;
  return make_error(StatusCode::kUnsupported, "explicit padding has no TFLite form");
}

template <typename Attrs>
Result<const Attrs*> attrs_of(const Node& node) {
  if (const Attrs* a = std::get_if<Attrs>(&node.attrs)) return a;
  return make_error(StatusCode::kInternal, "node '", node.name, "' lacks its attributes");
}

Result<WrittenOptions> write_none(flatbuffers::FlatBufferBuilder&, const Node&) {
  return WrittenOptions{};
}

template <typename Options, fb::BuiltinOptions kType>
Result<WrittenOptions> write_binary(flatbuffers::FlatBufferBuilder& fbb, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const BinaryAttrs* a, attrs_of<BinaryAttrs>(node));
  if (a->operand_pad != OperandPad{})
    return make_error(StatusCode::kUnsupported, "a padded operand has no TFLite form");
  typename Options::Builder b(fbb);
  b.add_fused_activation_function(fb_activation(a->activation));
  return WrittenOptions{kType, b.Finish().Union()};
}

// SQUARED_DIFFERENCE: binary attributes with no activation, an empty table.
Result<WrittenOptions> write_squared_difference(flatbuffers::FlatBufferBuilder& fbb,
                                                const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const BinaryAttrs* a, attrs_of<BinaryAttrs>(node));
  if (a->operand_pad != OperandPad{} || a->activation != Activation::kNone)
    return make_error(StatusCode::kUnsupported,
                      "a padded operand or fused activation has no TFLite form");
  fb::SquaredDifferenceOptionsBuilder b(fbb);
  return WrittenOptions{fb::BuiltinOptions::SquaredDifferenceOptions, b.Finish().Union()};
}

template <typename Options, fb::BuiltinOptions kType, typename Attrs>
Result<WrittenOptions> write_window(flatbuffers::FlatBufferBuilder& fbb, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const Attrs* a, attrs_of<Attrs>(node));
  ODIN_ASSIGN_OR_RETURN(fb::Padding pad, fb_padding(a->padding));
  typename Options::Builder b(fbb);
  b.add_padding(pad);
  b.add_stride_w(a->stride_w);
  b.add_stride_h(a->stride_h);
  b.add_fused_activation_function(fb_activation(a->activation));
  if constexpr (requires { a->dilation_w; }) {
    b.add_dilation_w_factor(a->dilation_w);
    b.add_dilation_h_factor(a->dilation_h);
  }
  if constexpr (std::is_same_v<Attrs, DepthwiseConv2DAttrs>)
    b.add_depth_multiplier(a->depth_multiplier);
  if constexpr (std::is_same_v<Attrs, Pool2DAttrs>) {
    b.add_filter_width(a->filter_w);
    b.add_filter_height(a->filter_h);
  }
  return WrittenOptions{kType, b.Finish().Union()};
}

Result<WrittenOptions> write_conv3d(flatbuffers::FlatBufferBuilder& fbb, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const Conv3DAttrs* a, attrs_of<Conv3DAttrs>(node));
  ODIN_ASSIGN_OR_RETURN(fb::Padding pad, fb_padding(a->padding));
  fb::Conv3DOptionsBuilder b(fbb);
  b.add_padding(pad);
  b.add_stride_d(a->stride_d);
  b.add_stride_w(a->stride_w);
  b.add_stride_h(a->stride_h);
  b.add_fused_activation_function(fb_activation(a->activation));
  b.add_dilation_d_factor(a->dilation_d);
  b.add_dilation_w_factor(a->dilation_w);
  b.add_dilation_h_factor(a->dilation_h);
  return WrittenOptions{fb::BuiltinOptions::Conv3DOptions, b.Finish().Union()};
}

template <typename Options, fb::BuiltinOptions kType>
Result<WrittenOptions> write_block(flatbuffers::FlatBufferBuilder& fbb, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const BlockAttrs* a, attrs_of<BlockAttrs>(node));
  typename Options::Builder b(fbb);
  b.add_block_size(a->block_size);
  return WrittenOptions{kType, b.Finish().Union()};
}

Result<WrittenOptions> write_fully_connected(flatbuffers::FlatBufferBuilder& fbb,
                                             const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const FullyConnectedAttrs* a, attrs_of<FullyConnectedAttrs>(node));
  fb::FullyConnectedOptionsBuilder b(fbb);
  b.add_fused_activation_function(fb_activation(a->activation));
  b.add_keep_num_dims(a->keep_num_dims);
  return WrittenOptions{fb::BuiltinOptions::FullyConnectedOptions, b.Finish().Union()};
}

Result<WrittenOptions> write_batch_matmul(flatbuffers::FlatBufferBuilder& fbb, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const BatchMatMulAttrs* a, attrs_of<BatchMatMulAttrs>(node));
  fb::BatchMatMulOptionsBuilder b(fbb);
  b.add_adj_x(a->adj_x);
  b.add_adj_y(a->adj_y);
  return WrittenOptions{fb::BuiltinOptions::BatchMatMulOptions, b.Finish().Union()};
}

Result<WrittenOptions> write_gelu(flatbuffers::FlatBufferBuilder& fbb, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const GeluAttrs* a, attrs_of<GeluAttrs>(node));
  return WrittenOptions{fb::BuiltinOptions::GeluOptions,
                        fb::CreateGeluOptions(fbb, a->approximate).Union()};
}

Result<WrittenOptions> write_softmax(flatbuffers::FlatBufferBuilder& fbb, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const SoftmaxAttrs* a, attrs_of<SoftmaxAttrs>(node));
  return WrittenOptions{fb::BuiltinOptions::SoftmaxOptions,
                        fb::CreateSoftmaxOptions(fbb, a->beta).Union()};
}

Result<WrittenOptions> write_concatenation(flatbuffers::FlatBufferBuilder& fbb, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const ConcatenationAttrs* a, attrs_of<ConcatenationAttrs>(node));
  return WrittenOptions{
      fb::BuiltinOptions::ConcatenationOptions,
      fb::CreateConcatenationOptions(fbb, a->axis, fb_activation(a->activation)).Union()};
}

Result<WrittenOptions> write_reshape(flatbuffers::FlatBufferBuilder& fbb, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const ReshapeAttrs* a, attrs_of<ReshapeAttrs>(node));
  if (!a->has_new_shape) return WrittenOptions{};
  return WrittenOptions{fb::BuiltinOptions::ReshapeOptions,
                        fb::CreateReshapeOptions(fbb, fbb.CreateVector(a->new_shape)).Union()};
}

template <typename Options, fb::BuiltinOptions kType>
Result<WrittenOptions> write_resize(flatbuffers::FlatBufferBuilder& fbb, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const ResizeAttrs* a, attrs_of<ResizeAttrs>(node));
  typename Options::Builder b(fbb);
  b.add_align_corners(a->align_corners);
  b.add_half_pixel_centers(a->half_pixel_centers);
  return WrittenOptions{kType, b.Finish().Union()};
}

Result<WrittenOptions> write_reducer(flatbuffers::FlatBufferBuilder& fbb, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(const ReduceAttrs* a, attrs_of<ReduceAttrs>(node));
  return WrittenOptions{fb::BuiltinOptions::ReducerOptions,
                        fb::CreateReducerOptions(fbb, a->keep_dims).Union()};
}

using fb::Operator;

// BuiltinOperator codes odin maps (values from the public schema.fbs).
constexpr OpMapping kBuiltins[] = {
    {0, OpType::kAdd, parse_binary<fb::AddOptions, &Operator::builtin_options_as_AddOptions>,
     write_binary<fb::AddOptions, fb::BuiltinOptions::AddOptions>, 2},
    {1, OpType::kAveragePool2D,
     parse_window<fb::Pool2DOptions, &Operator::builtin_options_as_Pool2DOptions, Pool2DAttrs>,
     write_window<fb::Pool2DOptions, fb::BuiltinOptions::Pool2DOptions, Pool2DAttrs>, 2},
    {2, OpType::kConcatenation, parse_concatenation, write_concatenation, 2},
    {3, OpType::kConv2D,
     parse_window<fb::Conv2DOptions, &Operator::builtin_options_as_Conv2DOptions, Conv2DAttrs>,
     write_window<fb::Conv2DOptions, fb::BuiltinOptions::Conv2DOptions, Conv2DAttrs>, 3, 7},
    {4, OpType::kDepthwiseConv2D,
     parse_window<fb::DepthwiseConv2DOptions, &Operator::builtin_options_as_DepthwiseConv2DOptions,
                  DepthwiseConv2DAttrs>,
     write_window<fb::DepthwiseConv2DOptions, fb::BuiltinOptions::DepthwiseConv2DOptions,
                  DepthwiseConv2DAttrs>,
     3, 7},
    {5, OpType::kDepthToSpace,
     parse_block<fb::DepthToSpaceOptions, &Operator::builtin_options_as_DepthToSpaceOptions>,
     write_block<fb::DepthToSpaceOptions, fb::BuiltinOptions::DepthToSpaceOptions>, 2},
    {6, OpType::kDequantize, no_attrs, write_none, 2, 6},
    {9, OpType::kFullyConnected, parse_fully_connected, write_fully_connected, 4, 10},
    {14, OpType::kLogistic, no_attrs, write_none, 2},
    {17, OpType::kMaxPool2D,
     parse_window<fb::Pool2DOptions, &Operator::builtin_options_as_Pool2DOptions, Pool2DAttrs>,
     write_window<fb::Pool2DOptions, fb::BuiltinOptions::Pool2DOptions, Pool2DAttrs>, 2},
    {18, OpType::kMul, parse_binary<fb::MulOptions, &Operator::builtin_options_as_MulOptions>,
     write_binary<fb::MulOptions, fb::BuiltinOptions::MulOptions>, 2},
    {19, OpType::kRelu, no_attrs, write_none, 2},
    {20, OpType::kReluN1To1, no_attrs, write_none, 2},
    {21, OpType::kRelu6, no_attrs, write_none, 2},
    {22, OpType::kReshape, parse_reshape, write_reshape, 1},
    {23, OpType::kResizeBilinear,
     parse_resize<fb::ResizeBilinearOptions, &Operator::builtin_options_as_ResizeBilinearOptions>,
     write_resize<fb::ResizeBilinearOptions, fb::BuiltinOptions::ResizeBilinearOptions>, 2},
    {25, OpType::kSoftmax, parse_softmax, write_softmax, 2},
    {26, OpType::kSpaceToDepth,
     parse_block<fb::SpaceToDepthOptions, &Operator::builtin_options_as_SpaceToDepthOptions>},
    {28, OpType::kTanh, no_attrs, write_none, 2},
    {34, OpType::kPad, no_attrs, write_none, 2},
    {36, OpType::kGather, parse_gather},
    {39, OpType::kTranspose, no_attrs, write_none, 2},
    {40, OpType::kMean, parse_reducer, write_reducer, 2},
    {41, OpType::kSub, parse_binary<fb::SubOptions, &Operator::builtin_options_as_SubOptions>,
     write_binary<fb::SubOptions, fb::BuiltinOptions::SubOptions>, 2},
    {42, OpType::kDiv, parse_binary<fb::DivOptions, &Operator::builtin_options_as_DivOptions>,
     write_binary<fb::DivOptions, fb::BuiltinOptions::DivOptions>, 2},
    {43, OpType::kSqueeze, parse_squeeze},
    {45, OpType::kStridedSlice, parse_strided_slice},
    {54, OpType::kPrelu, no_attrs, write_none, 1},
    {65, OpType::kSlice, no_attrs, write_none, 2},
    {67, OpType::kTransposeConv,
     parse_window<fb::TransposeConvOptions, &Operator::builtin_options_as_TransposeConvOptions,
                  TransposeConvAttrs>},
    {74, OpType::kSum, parse_reducer, write_reducer, 2},
    {76, OpType::kRsqrt, no_attrs, write_none, 2},
    {97, OpType::kResizeNearestNeighbor,
     parse_resize<fb::ResizeNearestNeighborOptions,
                  &Operator::builtin_options_as_ResizeNearestNeighborOptions>,
     write_resize<fb::ResizeNearestNeighborOptions,
                  fb::BuiltinOptions::ResizeNearestNeighborOptions>,
     2},
    {98, OpType::kLeakyRelu, parse_leaky_relu},
    {99, OpType::kSquaredDifference, parse_squared_difference, write_squared_difference, 2},
    // GATHER_ND: GatherNdOptions is an empty table; int8 params stay version 1.
    {107, OpType::kGatherNd, no_attrs, write_none, 1},
    {114, OpType::kQuantize, no_attrs, write_none, 2},
    {117, OpType::kHardSwish, no_attrs, write_none, 1},
    {124, OpType::kDensify, no_attrs},
    {126, OpType::kBatchMatMul, parse_batch_matmul, write_batch_matmul},
    {132, OpType::kConv3D, parse_conv3d, write_conv3d},
    {150, OpType::kGelu, parse_gelu, write_gelu},
};

// Custom operators odin maps, by their custom code.
struct CustomMapping {
  const char* name;
  OpMapping mapping;
};
constexpr CustomMapping kCustom[] = {
    {"Convolution2DTransposeBias",
     {kCustomCode, OpType::kConvolution2DTransposeBias, parse_transpose_conv_bias}},
};

}  // namespace

int32_t builtin_code(const fb::OperatorCode& code) {
  return std::max<int32_t>(code.builtin_code(), code.deprecated_builtin_code());
}

std::string builtin_name(int32_t code) {
  if (code >= 0 && code < static_cast<int32_t>(std::size(kBuiltinNames)))
    return kBuiltinNames[code];
  return str_cat("BUILTIN_", code);
}

const OpMapping* map_op(const fb::OperatorCode& code, std::string* name) {
  const int32_t c = builtin_code(code);
  if (c == kCustomCode) {
    *name = code.custom_code() ? code.custom_code()->str() : std::string("CUSTOM");
    for (const CustomMapping& m : kCustom)
      if (*name == m.name) return &m.mapping;
    return nullptr;
  }
  *name = builtin_name(c);
  for (const OpMapping& m : kBuiltins)
    if (m.code == c) return &m;
  return nullptr;
}

const OpMapping* mapping_of(OpType type, std::string* custom_name) {
  custom_name->clear();
  for (const OpMapping& m : kBuiltins)
    if (m.type == type) return &m;
  for (const CustomMapping& m : kCustom)
    if (m.mapping.type == type) {
      *custom_name = m.name;
      return &m.mapping;
    }
  return nullptr;
}

}  // namespace odin::tflite
