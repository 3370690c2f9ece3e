// Int8/uint8 ops on every backend this build has, against the reference
// kernels, EXACTLY: integer outputs byte for byte, DEQUANTIZE's floats bit
// for bit. Hand-built one-op graphs (and one chain) cover what the LiteRT
// goldens do not: uint8, nonzero zero points everywhere, per-channel
// scales, fused RELU/RELU6, odd channel counts, stride 2, SAME/VALID,
// broadcasting. A backend must run every node of these (no fallback).
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "graph_builder.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

// A graph of affine values, built node by node; shapes inferred at finish.
class QGraph {
 public:
  ValueId input(Shape shape, DType t, float scale, int64_t zero) {
    const ValueId v = value(t, scale, zero);
    g_.value(v).shape = std::move(shape);
    g_.inputs().push_back(v);
    return v;
  }
  ValueId float_input(Shape shape) {
    const ValueId v = test::add_value(g_, std::move(shape));
    g_.inputs().push_back(v);
    return v;
  }
  // Weights of random bytes, quantized per tensor or per channel on `axis`.
  ValueId weights(Shape shape, DType t, std::vector<float> scales, int32_t axis, int64_t zero,
                  uint64_t seed) {
    const auto n = static_cast<size_t>(shape.num_elements());
    std::vector<uint8_t> bytes(n);
    const std::vector<float> r = test::splitmix_values(n, seed, 0.0f, 255.0f);
    for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<uint8_t>(r[i]);
    const ValueId v = test::add_const_bytes(g_, "", std::move(shape), t, std::move(bytes));
    g_.value(v).quant = QuantParams{std::move(scales), {zero}, axis};
    return v;
  }
  ValueId bias(int64_t n, uint64_t seed) {
    std::vector<int32_t> b;
    for (float f : test::splitmix_values(static_cast<size_t>(n), seed, -3000.0f, 3000.0f))
      b.push_back(static_cast<int32_t>(f));
    const ValueId v = test::add_const_i32(g_, Shape({n}), b);
    g_.value(v).quant = QuantParams{{1e-4f}, {0}, 0};
    return v;
  }
  ValueId ints(Shape shape, const std::vector<int32_t>& values) {
    return test::add_const_i32(g_, std::move(shape), values);
  }
  // A node whose output is affine (t, scale, zero) or float (t == kF32).
  ValueId node(OpType op, std::vector<ValueId> ins, OpAttrs attrs, DType t, float scale = 0,
               int64_t zero = 0) {
    const ValueId o = t == DType::kF32 ? test::add_value(g_, Shape()) : value(t, scale, zero);
    test::add_node(g_, op, std::move(attrs), std::move(ins), {o});
    return o;
  }
  Graph finish(std::vector<ValueId> outputs) {
    g_.outputs() = std::move(outputs);
    const Status s = infer_graph(g_);
    EXPECT_TRUE(s.ok()) << s.to_string();
    return g_;
  }

 private:
  ValueId value(DType t, float scale, int64_t zero) {
    const ValueId v = test::add_value(g_, Shape(), t);
    g_.value(v).quant = QuantParams{{scale}, {zero}, 0};
    return v;
  }
  Graph g_;
};

constexpr DType kI8 = DType::kI8, kU8 = DType::kU8;

struct Int8Case {
  std::string name;
  std::function<Graph()> build;
  bool float_edges = false;  // float inputs or outputs: exact in fp32 only
};

Conv2DAttrs conv(Padding p, int32_t stride, Activation act, int32_t dilation = 1) {
  Conv2DAttrs a;
  a.padding = p;
  a.stride_h = a.stride_w = stride;
  a.dilation_h = a.dilation_w = dilation;
  a.activation = act;
  return a;
}

Pool2DAttrs pool(Padding p, int32_t filter, int32_t stride, Activation act) {
  Pool2DAttrs a;
  a.padding = p;
  a.filter_h = a.filter_w = filter;
  a.stride_h = a.stride_w = stride;
  a.activation = act;
  return a;
}

// Per-channel scales around `base`.
std::vector<float> scales(int64_t n, float base) {
  std::vector<float> s;
  for (int64_t i = 0; i < n; ++i) s.push_back(base * (0.5f + 0.13f * static_cast<float>(i % 7)));
  return s;
}

Graph conv_case(DType t, Shape in, int64_t oc, int64_t k, Conv2DAttrs a, bool per_channel,
                bool with_bias) {
  QGraph q;
  const bool u8 = t == kU8;
  const int64_t ic = in[3];
  const ValueId x = q.input(std::move(in), t, 0.05f, u8 ? 131 : -9);
  const ValueId w =
      q.weights(Shape({oc, k, k, ic}), t, per_channel ? scales(oc, 0.01f) : scales(1, 0.01f), 0,
                u8 ? 121 : 0, 17);
  const ValueId b = with_bias ? q.bias(oc, 5) : kNoValue;
  return q.finish({q.node(OpType::kConv2D, {x, w, b}, a, t, 0.09f, u8 ? 100 : 11)});
}

Graph depthwise_case(Shape in, int32_t multiplier, int64_t k, Padding p, int32_t stride,
                     Activation act) {
  QGraph q;
  const int64_t oc = in[3] * multiplier;
  const ValueId x = q.input(std::move(in), kI8, 0.04f, 7);
  const ValueId w = q.weights(Shape({1, k, k, oc}), kI8, scales(oc, 0.02f), 3, 0, 23);
  DepthwiseConv2DAttrs a;
  a.padding = p;
  a.stride_h = a.stride_w = stride;
  a.depth_multiplier = multiplier;
  a.activation = act;
  return q.finish({q.node(OpType::kDepthwiseConv2D, {x, w, q.bias(oc, 9)}, a, kI8, 0.07f, -5)});
}

Graph fc_case(DType t, Shape in, int64_t units, bool per_channel, Activation act) {
  QGraph q;
  const bool u8 = t == kU8;
  const int64_t depth = in[in.rank() - 1];
  const ValueId x = q.input(std::move(in), t, 0.03f, u8 ? 140 : 4);
  const ValueId w =
      q.weights(Shape({units, depth}), t, per_channel ? scales(units, 0.01f) : scales(1, 0.01f), 0,
                u8 ? 130 : 0, 31);
  FullyConnectedAttrs a;
  a.activation = act;
  return q.finish(
      {q.node(OpType::kFullyConnected, {x, w, q.bias(units, 3)}, a, t, 0.12f, u8 ? 120 : -3)});
}

Graph binary_case(OpType op, DType t, Shape sa, Shape sb, Activation act) {
  QGraph q;
  const bool u8 = t == kU8;
  const ValueId a = q.input(std::move(sa), t, 0.05f, u8 ? 128 : -10);
  const ValueId b = q.input(std::move(sb), t, 0.02f, u8 ? 90 : 25);
  BinaryAttrs attrs;
  attrs.activation = act;
  return q.finish({q.node(op, {a, b}, attrs, t, op == OpType::kMul ? 0.02f : 0.06f, u8 ? 110 : 3)});
}

// The second operand a constant (uploaded with the weights, not computed).
Graph binary_constant_case(OpType op, DType t, Shape sa, Shape sb) {
  QGraph q;
  const bool u8 = t == kU8;
  const ValueId a = q.input(std::move(sa), t, 0.05f, u8 ? 128 : -10);
  const ValueId b = q.weights(std::move(sb), t, {0.02f}, 0, u8 ? 90 : 25, 31);
  return q.finish(
      {q.node(op, {a, b}, BinaryAttrs{}, t, op == OpType::kMul ? 0.02f : 0.06f, u8 ? 110 : 3)});
}

Graph pool_case(OpType op, DType t, Shape in, Pool2DAttrs a) {
  QGraph q;
  const int64_t zero = t == kU8 ? 100 : -20;
  const ValueId x = q.input(std::move(in), t, 0.05f, zero);
  return q.finish({q.node(op, {x}, a, t, 0.05f, zero)});
}

Graph pad_case(DType t, int64_t channels = 3,
               std::vector<int32_t> amounts = {0, 0, 1, 2, 2, 0, 0, 1}) {
  QGraph q;
  const int64_t zero = t == kU8 ? 77 : -7;
  const ValueId x = q.input(Shape({1, 3, 5, channels}), t, 0.1f, zero);
  const ValueId pads = q.ints(Shape({4, 2}), std::move(amounts));
  return q.finish({q.node(OpType::kPad, {x, pads}, {}, t, 0.1f, zero)});
}

// PRELU with a constant alpha of shape `alpha` (one value, or one per
// channel: Vulkan's per-channel tables).
Graph prelu_case(DType t, Shape alpha) {
  QGraph q;
  const int64_t zero = t == kU8 ? 131 : -9;
  const ValueId x = q.input(Shape({1, 4, 5, 11}), t, 0.07f, zero);
  const ValueId a = q.weights(std::move(alpha), t, {0.004f}, 0, t == kU8 ? 128 : 0, 77);
  return q.finish({q.node(OpType::kPrelu, {x, a}, {}, t, 0.05f, zero)});
}

// RESIZE_BILINEAR from [1,5,6,c] to out_h x out_w (the output keeps the
// input's quantization).
Graph resize_case(DType t, int64_t c, int32_t out_h, int32_t out_w, bool align_corners,
                  bool half_pixel) {
  QGraph q;
  const int64_t zero = t == kU8 ? 140 : 5;
  const ValueId x = q.input(Shape({1, 5, 6, c}), t, 0.02f, zero);
  const ValueId size = q.ints(Shape({2}), {out_h, out_w});
  ResizeAttrs a;
  a.align_corners = align_corners;
  a.half_pixel_centers = half_pixel;
  return q.finish({q.node(OpType::kResizeBilinear, {x, size}, a, t, 0.02f, zero)});
}

Graph concat_case(DType t, int32_t axis, std::vector<Shape> shapes) {
  QGraph q;
  const int64_t zero = t == kU8 ? 90 : 6;
  std::vector<ValueId> ins;
  for (Shape& s : shapes) ins.push_back(q.input(std::move(s), t, 0.03f, zero));
  ConcatenationAttrs a;
  a.axis = axis;
  return q.finish({q.node(OpType::kConcatenation, ins, a, t, 0.03f, zero)});
}

Graph lut_case(OpType op, DType t, float out_scale, int64_t out_zero) {
  QGraph q;
  const ValueId x = q.input(Shape({2, 5, 7}), t, 0.06f, t == kU8 ? 120 : -3);
  return q.finish({q.node(op, {x}, {}, t, out_scale, out_zero)});
}

// SOFTMAX over rows of `cols` (rows of 3: one output word spans rows).
Graph softmax_case(DType t, Shape in, float beta) {
  QGraph q;
  const ValueId x = q.input(std::move(in), t, 0.07f, t == kU8 ? 128 : 0);
  return q.finish(
      {q.node(OpType::kSoftmax, {x}, SoftmaxAttrs{beta}, t, 1.0f / 256, t == kU8 ? 0 : -128)});
}

// float -> QUANTIZE -> int8 -> QUANTIZE (to uint8, rescaled) -> DEQUANTIZE.
Graph quantize_case() {
  QGraph q;
  const ValueId x = q.float_input(Shape({3, 11}));
  const ValueId a = q.node(OpType::kQuantize, {x}, {}, kI8, 0.021f, -4);
  const ValueId b = q.node(OpType::kQuantize, {a}, {}, kU8, 0.035f, 130);
  return q.finish({a, b, q.node(OpType::kDequantize, {b}, {}, DType::kF32)});
}

// A small int8 network between float edges: every op kind in one segment.
Graph chain_case() {
  QGraph q;
  const ValueId x = q.float_input(Shape({1, 8, 8, 3}));
  const ValueId xq = q.node(OpType::kQuantize, {x}, {}, kI8, 0.02f, 3);
  const ValueId w1 = q.weights(Shape({8, 3, 3, 3}), kI8, scales(8, 0.01f), 0, 0, 41);
  const ValueId c1 = q.node(OpType::kConv2D, {xq, w1, q.bias(8, 1)},
                            conv(Padding::kSame, 2, Activation::kRelu6), kI8, 0.05f, -128);
  DepthwiseConv2DAttrs da;
  da.padding = Padding::kSame;
  const ValueId w2 = q.weights(Shape({1, 3, 3, 8}), kI8, scales(8, 0.02f), 3, 0, 43);
  const ValueId d1 = q.node(OpType::kDepthwiseConv2D, {c1, w2, q.bias(8, 2)}, da, kI8, 0.06f, 2);
  const ValueId s1 = q.node(OpType::kAdd, {c1, d1}, BinaryAttrs{}, kI8, 0.08f, -1);
  const ValueId h = q.node(OpType::kHardSwish, {s1}, {}, kI8, 0.07f, -10);
  const ValueId p1 = q.node(OpType::kAveragePool2D, {h},
                            pool(Padding::kValid, 2, 2, Activation::kNone), kI8, 0.07f, -10);
  const ValueId r =
      q.node(OpType::kReshape, {p1, q.ints(Shape({2}), {1, 32})}, ReshapeAttrs{}, kI8, 0.07f, -10);
  const ValueId w3 = q.weights(Shape({5, 32}), kI8, scales(1, 0.01f), 0, 0, 47);
  const ValueId f =
      q.node(OpType::kFullyConnected, {r, w3, q.bias(5, 4)}, FullyConnectedAttrs{}, kI8, 0.1f, 5);
  const ValueId l = q.node(OpType::kLogistic, {f}, {}, kI8, 1.0f / 256, -128);
  return q.finish({q.node(OpType::kDequantize, {l}, {}, DType::kF32)});
}

std::vector<Int8Case> cases() {
  using A = Activation;
  using P = Padding;
  return {
      {"conv2d_i8_3x3_same_s1_relu_ic5_oc7",
       [] {
         return conv_case(kI8, Shape({1, 7, 6, 5}), 7, 3, conv(P::kSame, 1, A::kRelu), true, true);
       }},
      {"conv2d_i8_3x3_valid_s2_relu6_ic8",
       [] {
         return conv_case(kI8, Shape({2, 9, 8, 8}), 6, 3, conv(P::kValid, 2, A::kRelu6), true,
                          true);
       }},
      {"conv2d_i8_3x3_same_s1_relu6_ic8_oc8",
       [] {
         return conv_case(kI8, Shape({1, 6, 5, 8}), 8, 3, conv(P::kSame, 1, A::kRelu6), true, true);
       }},
      {"conv2d_i8_3x3_same_s2_dilated",
       [] {
         return conv_case(kI8, Shape({1, 9, 9, 4}), 5, 3, conv(P::kSame, 2, A::kNone, 2), true,
                          true);
       }},
      {"conv2d_u8_1x1_per_tensor_no_bias",
       [] {
         return conv_case(kU8, Shape({1, 5, 3, 6}), 9, 1, conv(P::kValid, 1, A::kNone), false,
                          false);
       }},
      {"conv2d_u8_2x2_same_s2_relu",
       [] {
         return conv_case(kU8, Shape({1, 5, 5, 3}), 4, 2, conv(P::kSame, 2, A::kRelu), false, true);
       }},
      {"dwconv_i8_3x3_same_s2_relu6_c6",
       [] {
         return depthwise_case(Shape({1, 9, 9, 6}), 1, 3, P::kSame, 2, A::kRelu6);
       }},
      {"dwconv_i8_mult2_valid_c3",
       [] {
         return depthwise_case(Shape({1, 6, 5, 3}), 2, 3, P::kValid, 1, A::kNone);
       }},
      {"dwconv_i8_5x5_same_s1_relu_c5",
       [] {
         return depthwise_case(Shape({2, 7, 6, 5}), 1, 5, P::kSame, 1, A::kRelu);
       }},
      {"fc_i8_per_channel_relu_depth20",
       [] {
         return fc_case(kI8, Shape({3, 20}), 7, true, A::kRelu);
       }},
      {"fc_i8_relu6_depth13",
       [] {
         return fc_case(kI8, Shape({2, 13}), 5, false, A::kRelu6);
       }},
      {"fc_u8_depth13",
       [] {
         return fc_case(kU8, Shape({2, 13}), 5, false, A::kNone);
       }},
      {"add_i8_bcast_relu",
       [] {
         return binary_case(OpType::kAdd, kI8, Shape({1, 5, 4, 3}), Shape({1, 1, 4, 3}), A::kRelu);
       }},
      {"add_u8_relu6",
       [] {
         return binary_case(OpType::kAdd, kU8, Shape({2, 3, 7}), Shape({2, 3, 7}), A::kRelu6);
       }},
      {"add_i8_constant_operand",
       [] {
         return binary_constant_case(OpType::kAdd, kI8, Shape({1, 4, 5, 6}), Shape({1, 4, 5, 6}));
       }},
      {"mul_u8_constant_bcast",
       [] {
         return binary_constant_case(OpType::kMul, kU8, Shape({2, 3, 8}), Shape({8}));
       }},
      {"sub_i8_bcast",
       [] {
         return binary_case(OpType::kSub, kI8, Shape({3, 1, 5}), Shape({3, 4, 1}), A::kNone);
       }},
      {"mul_i8_bcast_relu",
       [] {
         return binary_case(OpType::kMul, kI8, Shape({1, 4, 4, 5}), Shape({5}), A::kRelu);
       }},
      {"mul_u8",
       [] {
         return binary_case(OpType::kMul, kU8, Shape({2, 9}), Shape({2, 9}), A::kNone);
       }},
      {"maxpool_i8_same_3x3_s2_relu6_c5",
       [] {
         return pool_case(OpType::kMaxPool2D, kI8, Shape({1, 9, 7, 5}),
                          pool(P::kSame, 3, 2, A::kRelu6));
       }},
      {"maxpool_u8_valid_2x2",
       [] {
         return pool_case(OpType::kMaxPool2D, kU8, Shape({1, 6, 6, 3}),
                          pool(P::kValid, 2, 2, A::kNone));
       }},
      {"avgpool_i8_same_3x3_s2_c5",
       [] {
         return pool_case(OpType::kAveragePool2D, kI8, Shape({2, 7, 9, 5}),
                          pool(P::kSame, 3, 2, A::kNone));
       }},
      {"avgpool_u8_valid_2x2_relu",
       [] {
         return pool_case(OpType::kAveragePool2D, kU8, Shape({1, 6, 6, 3}),
                          pool(P::kValid, 2, 2, A::kRelu));
       }},
      {"pad_i8", [] { return pad_case(kI8); }},
      {"pad_u8", [] { return pad_case(kU8); }},
      {"resize_i8_up_c7_half_pixel", [] { return resize_case(kI8, 7, 9, 13, false, true); }},
      {"resize_u8_up_c4_align", [] { return resize_case(kU8, 4, 10, 11, true, false); }},
      {"resize_i8_down_c5", [] { return resize_case(kI8, 5, 3, 4, false, false); }},
      {"resize_u8_down_c3_half_pixel", [] { return resize_case(kU8, 3, 2, 5, false, true); }},
      {"prelu_i8_per_channel",
       [] {
         return prelu_case(kI8, Shape({1, 1, 11}));
       }},
      {"prelu_u8_one_alpha", [] { return prelu_case(kU8, Shape({1})); }},
      // Pixels of 24, 10 and 5 bytes: the CPU's pixel copy in 16-, 8- and
      // 4-byte moves.
      {"pad_i8_channels_24",
       [] {
         return pad_case(kI8, 24, {0, 0, 0, 0, 1, 1, 2, 6});
       }},
      {"pad_i8_channels_10",
       [] {
         return pad_case(kI8, 10, {0, 0, 1, 0, 0, 2, 0, 4});
       }},
      {"pad_u8_channels_5",
       [] {
         return pad_case(kU8, 5, {0, 0, 0, 1, 0, 0, 1, 0});
       }},
      {"concat_i8_axis3_odd",
       [] {
         return concat_case(kI8, 3,
                            {Shape({1, 3, 3, 3}), Shape({1, 3, 3, 2}), Shape({1, 3, 3, 5})});
       }},
      {"concat_u8_axis1",
       [] {
         return concat_case(kU8, 1, {Shape({2, 3, 5}), Shape({2, 1, 5})});
       }},
      {"logistic_i8", [] { return lut_case(OpType::kLogistic, kI8, 1.0f / 256, -128); }},
      {"tanh_i8", [] { return lut_case(OpType::kTanh, kI8, 1.0f / 128, 0); }},
      {"hard_swish_u8", [] { return lut_case(OpType::kHardSwish, kU8, 0.03f, 20); }},
      {"softmax_i8",
       [] {
         return softmax_case(kI8, Shape({2, 5, 7}), 1.0f);
       }},
      {"softmax_u8_rows_of_3",
       [] {
         return softmax_case(kU8, Shape({7, 3}), 0.6f);
       }},
      {"softmax_i8_wide_row",
       [] {
         return softmax_case(kI8, Shape({2, 1001}), 1.3f);
       }},
      {"quantize_requantize_dequantize", quantize_case, true},
      {"chain_conv_dw_add_hswish_pool_reshape_fc_logistic", chain_case, true},
  };
}

// Runs g (seeded inputs) with `options`; the outputs' bytes. Nodes that ran
// elsewhere than `backend` are listed in *fallbacks.
std::vector<std::vector<uint8_t>> run(const Graph& g, const SessionOptions& options,
                                      const std::string& backend, std::string* fallbacks) {
  auto session = Session::create(g, options);
  EXPECT_TRUE(session.ok()) << session.status().to_string();
  if (!session.ok()) return {};
  Session& s = **session;
  for (size_t i = 0; i < s.num_inputs(); ++i) {
    const Value& v = s.input_info(i);
    const auto n = static_cast<size_t>(v.shape.num_elements());
    std::vector<uint8_t> bytes(n * dtype_size(v.dtype));
    if (v.dtype == DType::kF32) {
      const std::vector<float> f = test::splitmix_values(n, 100 + i, -3.0f, 3.0f);
      std::memcpy(bytes.data(), f.data(), bytes.size());
    } else {
      const std::vector<float> f = test::splitmix_values(n, 200 + i, 0.0f, 255.0f);
      for (size_t e = 0; e < n; ++e) bytes[e] = static_cast<uint8_t>(f[e]);
    }
    EXPECT_TRUE(s.set_input(i, bytes.data(), bytes.size()).ok());
  }
  const Status st = s.run();
  EXPECT_TRUE(st.ok()) << st.to_string();
  for (size_t n = 0; fallbacks && n < s.graph().num_nodes(); ++n)
    if (s.node_backend(n) != backend)
      *fallbacks += str_cat("node ", n, " ", s.node_fallback(n), "; ");
  std::vector<std::vector<uint8_t>> outs;
  for (size_t i = 0; i < s.num_outputs(); ++i) {
    const ConstTensorView t = s.output(i);
    const auto* p = static_cast<const uint8_t*>(t.data);
    outs.emplace_back(p, p + t.num_elements() * static_cast<int64_t>(dtype_size(t.dtype)));
  }
  return outs;
}

struct BackendInt8Case {
  std::string backend;
  bool fp16 = false;  // reduced precision allowed: integer ops stay exact
  Int8Case c;
};

void PrintTo(const BackendInt8Case& c, std::ostream* os) {
  *os << c.backend << (c.fp16 ? "/fp16/" : "/") << c.c.name;
}

class BackendInt8Op : public testing::TestWithParam<BackendInt8Case> {};

TEST_P(BackendInt8Op, EqualsReferenceExactly) {
  const BackendInt8Case& c = GetParam();
  Backend* backend = find_backend(c.backend);
  ASSERT_NE(backend, nullptr);
  if (!backend->available())
    GTEST_SKIP() << "skipped: no " << c.backend << " device (" << backend->unavailable_reason()
                 << ")";
  const Graph g = c.c.build();
  SessionOptions ref_options;
  ref_options.backends = {"cpu"};
  ref_options.optimize = false;  // the plain reference kernels
  const auto want = run(g, ref_options, "cpu", nullptr);
  SessionOptions options;
  options.backends = {c.backend, "cpu"};
  options.allow_reduced_precision = c.fp16;
  // TFLite's fixed point, as the reference (the CPU's default float32
  // requantization is tested within one step in tests/cpu).
  options.exact_int8 = true;
  std::string fallbacks;
  const auto got = run(g, options, c.backend, &fallbacks);
  EXPECT_EQ(fallbacks, "") << c.backend << " must run every node";
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(want[i].size(), got[i].size());
    size_t diff = 0, first = want[i].size();
    for (size_t e = 0; e < want[i].size(); ++e)
      if (want[i][e] != got[i][e]) first = std::min(first, e), ++diff;
    EXPECT_EQ(diff, 0u) << c.c.name << " output " << i << ": " << diff << " bytes differ, first at "
                        << first;
  }
}

std::vector<BackendInt8Case> backend_cases() {
  std::vector<BackendInt8Case> out;
  for (const std::string& b : built_backends())
    for (const Int8Case& c : cases()) {
      out.push_back({b, false, c});
      if (b != "cpu" && !c.float_edges) out.push_back({b, true, c});
    }
  return out;
}

std::string case_name(const testing::TestParamInfo<BackendInt8Case>& info) {
  return info.param.backend + (info.param.fp16 ? "_fp16_" : "_") + info.param.c.name;
}

INSTANTIATE_TEST_SUITE_P(AllBackends, BackendInt8Op, testing::ValuesIn(backend_cases()), case_name);

}  // namespace
}  // namespace odin
