// Elementwise ops: ADD/SUB/MUL/DIV and PRELU (broadcasting binary kernel),
// and the unary activations.
#include <array>

#include "backends/vulkan/vk_lower.h"

namespace odin::vk {
namespace {

// `s` right-aligned into 4 dims (leading 1s).
std::array<int64_t, 4> dims4(const Shape& s) {
  std::array<int64_t, 4> d{1, 1, 1, 1};
  for (size_t i = 0; i < s.rank(); ++i) d[4 - s.rank() + i] = s[i];
  return d;
}

// Element strides of `in` over `out`'s 4 dims; 0 where `in` broadcasts.
std::array<int64_t, 4> broadcast_strides4(const Shape& in, const Shape& out) {
  const std::array<int64_t, 4> di = dims4(in), dout = dims4(out);
  std::array<int64_t, 4> st{};
  int64_t stride = 1;
  for (int d = 3; d >= 0; --d) {
    st[static_cast<size_t>(d)] =
        (di[static_cast<size_t>(d)] == 1 && dout[static_cast<size_t>(d)] != 1) ? 0 : stride;
    stride *= di[static_cast<size_t>(d)];
  }
  return st;
}

int32_t binary_code(OpType op) {
  switch (op) {
    case OpType::kAdd:
      return 0;
    case OpType::kSub:
      return 1;
    case OpType::kMul:
      return 2;
    case OpType::kDiv:
      return 3;
    default:
      return 4;  // PRELU
  }
}

int32_t unary_code(const Node& node) {
  switch (node.op) {
    case OpType::kLogistic:
      return 0;
    case OpType::kRelu:
      return 1;
    case OpType::kReluN1To1:
      return 2;
    case OpType::kRelu6:
      return 3;
    case OpType::kTanh:
      return 4;
    case OpType::kHardSwish:
      return 5;
    case OpType::kLeakyRelu:
      return 6;
    case OpType::kRsqrt:
      return 7;
    default: {  // GELU
      const auto* g = std::get_if<GeluAttrs>(&node.attrs);
      return g && g->approximate ? 9 : 8;
    }
  }
}

}  // namespace

Status lower_binary(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Shape& so = g.value(node.outputs[0]).shape;
  const Shape& sa = g.value(node.inputs[0]).shape;
  const Shape& sb = g.value(node.inputs[1]).shape;
  Activation act = Activation::kNone;
  if (const auto* b = std::get_if<BinaryAttrs>(&node.attrs)) act = b->activation;
  // A PAD fused into one operand: read its source, zeros in the padding.
  int32_t padded = 0;
  const FusedPad* pad = nullptr;
  for (int32_t i = 0; i < 2 && node.op != OpType::kPrelu; ++i)
    if ((pad = ctx.fused_pad(node.inputs[static_cast<size_t>(i)]))) {
      padded = i + 1;
      break;
    }
  Dispatch d;
  d.kernel = "binary";
  d.spec = {binary_code(node.op), static_cast<int32_t>(act), padded};
  for (int64_t v : dims4(so)) d.push_int(v);
  for (int64_t v : broadcast_strides4(sa, so)) d.push_int(v);
  for (int64_t v : broadcast_strides4(sb, so)) d.push_int(v);
  d.push_int(so.num_elements());
  auto operand = [&](size_t i) {
    if (pad && padded == static_cast<int32_t>(i + 1)) return Operand::value(pad->source);
    return input_operand(ctx, node.inputs[i]);
  };
  d.bindings = {Operand::value(node.outputs[0]), operand(0), operand(1)};
  if (pad) {
    for (int i = 0; i < 3; ++i) d.push_int(0);  // std430: the ivec4s start at byte 64
    for (int64_t v : pad->before) d.push_int(v);
    for (int64_t v : dims4(ctx.graph().value(pad->source).shape)) d.push_int(v);
  }
  set_invocations(d, so.num_elements());
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_unary(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const int64_t n = ctx.graph().value(node.outputs[0]).shape.num_elements();
  Dispatch d;
  d.kernel = "unary";
  d.spec = {unary_code(node)};
  d.push_int(n);
  const auto* leaky = std::get_if<LeakyReluAttrs>(&node.attrs);
  d.push_float(leaky ? leaky->alpha : 0.0f);
  d.bindings = {Operand::value(node.outputs[0]), input_operand(ctx, node.inputs[0])};
  set_invocations(d, n);
  out->dispatches.push_back(std::move(d));
  return Status();
}

}  // namespace odin::vk
