// The optimized int8/uint8 kernels (backends/cpu/cpu_ops_int8.cpp, and
// MAX_POOL_2D in cpu_ops_window.cpp) against the reference kernels: the
// same bytes exactly, over random shapes (odd channel counts, 1x1, 3x3 and
// 5x5, strides 1 and 2, SAME and VALID, dilation), per-tensor and
// per-channel weight scales, nonzero zero points, fused RELU / RELU6, 1 and
// 2 threads, on every compiled SIMD target this CPU runs (AVX3_DL's VNNI
// kernel, AVX3, AVX2, the portable fallbacks); ADD, SUB, PRELU, QUANTIZE.
#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "int8_test_util.h"
#include "kernels/cpu/amx.h"
#include "kernels/cpu/int8_gemm_amx.h"

namespace odin {
namespace {

using test::add_const_i32;
using test::add_node;
using test::add_quantized;
using test::expect_same_bytes;
using test::per_tensor;
using test::random_bias;
using test::Rng;
using test::weight_quant;

struct ConvCase {
  int64_t batch, h, w, in_c, out_c, k, stride, dilation;
  Padding padding;
  Activation act;
  bool per_channel, bias;
};

std::string describe(const ConvCase& c, DType t, bool depthwise) {
  return str_cat(depthwise ? "depthwise " : "conv ", dtype_name(t), " n", c.batch, " ", c.h, "x",
                 c.w, "x", c.in_c, " -> ", c.out_c, " k", c.k, " s", c.stride, " d", c.dilation,
                 c.padding == Padding::kSame ? " SAME " : " VALID ", activation_name(c.act),
                 c.per_channel ? " per-channel" : " per-tensor", c.bias ? " bias" : "");
}

// `huge_bias`: biases near +-INT32_MAX, so that sums plus bias leave
// int32 (the reference clamps them).
void check_conv(const ConvCase& c, DType t, bool depthwise, uint32_t seed, bool huge_bias = false) {
  Rng rng(seed);
  Graph g;
  const int64_t out_c = depthwise ? c.in_c : c.out_c;
  const int32_t zx = t == DType::kU8 ? rng.integer(90, 160) : rng.integer(-30, 30);
  const float sx = 0.05f;
  const ValueId x =
      add_quantized(g, Shape{c.batch, c.h, c.w, c.in_c}, t, per_tensor(sx, zx), rng, false);
  const Shape fshape = depthwise ? Shape{1, c.k, c.k, out_c} : Shape{out_c, c.k, c.k, c.in_c};
  const QuantParams wq = weight_quant(t, out_c, depthwise ? 3 : 0, c.per_channel, rng);
  const float sw = wq.scales[0];
  const ValueId w = add_quantized(g, fshape, t, wq, rng, true);
  std::vector<ValueId> ins = {x, w};
  const int64_t k = depthwise ? c.k * c.k : c.k * c.k * c.in_c;
  if (c.bias && huge_bias) {
    std::vector<int32_t> b(static_cast<size_t>(out_c));
    for (size_t i = 0; i < b.size(); ++i)
      b[i] = (i % 2 ? -1 : 1) * (std::numeric_limits<int32_t>::max() - rng.integer(0, 300000));
    ins.push_back(add_const_i32(g, Shape{out_c}, b));
  } else if (c.bias) {
    ins.push_back(random_bias(g, out_c, k, rng));
  }
  // Sums of k products of about 75 x 75: outputs spread over the range.
  const float sy = std::sqrt(static_cast<float>(k)) * 75.0f * 75.0f * sx * sw / 40.0f;
  const int32_t zy = t == DType::kU8 ? rng.integer(100, 150) : rng.integer(-20, 20);
  const SpatialPadding ph = compute_spatial_padding(c.padding, c.h, c.k, c.stride, c.dilation);
  const SpatialPadding pw = compute_spatial_padding(c.padding, c.w, c.k, c.stride, c.dilation);
  if (ph.out < 1 || pw.out < 1) return;
  const ValueId y =
      add_quantized(g, Shape{c.batch, ph.out, pw.out, out_c}, t, per_tensor(sy, zy), rng, false);
  if (depthwise) {
    DepthwiseConv2DAttrs a;
    a.padding = c.padding;
    a.stride_h = a.stride_w = static_cast<int32_t>(c.stride);
    a.dilation_h = a.dilation_w = static_cast<int32_t>(c.dilation);
    a.activation = c.act;
    add_node(g, OpType::kDepthwiseConv2D, a, ins, {y});
  } else {
    Conv2DAttrs a;
    a.padding = c.padding;
    a.stride_h = a.stride_w = static_cast<int32_t>(c.stride);
    a.dilation_h = a.dilation_w = static_cast<int32_t>(c.dilation);
    a.activation = c.act;
    add_node(g, OpType::kConv2D, a, ins, {y});
  }
  expect_same_bytes(g, describe(c, t, depthwise), nullptr, !huge_bias);
}

const ConvCase kConvCases[] = {
    {1, 9, 7, 32, 64, 1, 1, 1, Padding::kValid, Activation::kNone, true, true},
    {1, 5, 6, 13, 19, 1, 1, 1, Padding::kSame, Activation::kRelu, true, true},
    {2, 7, 5, 8, 33, 1, 2, 1, Padding::kValid, Activation::kRelu6, false, true},
    {1, 17, 15, 3, 24, 3, 2, 1, Padding::kSame, Activation::kRelu6, true, true},
    {1, 16, 16, 3, 16, 3, 2, 1, Padding::kSame, Activation::kNone, true, false},
    {1, 8, 9, 17, 31, 3, 1, 1, Padding::kSame, Activation::kRelu, true, true},
    {1, 8, 9, 17, 31, 3, 1, 1, Padding::kValid, Activation::kNone, false, true},
    {1, 11, 10, 6, 10, 5, 1, 1, Padding::kSame, Activation::kRelu6, true, true},
    {1, 12, 11, 7, 5, 5, 2, 1, Padding::kSame, Activation::kNone, true, true},
    {1, 9, 9, 5, 7, 3, 1, 2, Padding::kSame, Activation::kRelu, true, true},
    {3, 4, 4, 40, 48, 3, 1, 1, Padding::kSame, Activation::kNone, true, true},
};

TEST(CpuInt8, Conv2DMatchesReference) {
  uint32_t seed = 1;
  for (DType t : {DType::kI8, DType::kU8})
    for (const ConvCase& c : kConvCases) check_conv(c, t, false, seed++);
}

TEST(CpuInt8, Conv2DSaturatingBiasMatchesReference) {
  uint32_t seed = 50;
  for (DType t : {DType::kI8, DType::kU8})
    for (const ConvCase& c : kConvCases)
      if (c.bias) check_conv(c, t, false, seed++, true);
}

// Where the CPU has AMX, convolutions with a depth (k) of 64 or more take
// the tiles for whole 16-row tiles of pixels (kernels/cpu/int8_gemm_amx.h):
// 1x1 convolutions read the image in place, strided ones a gathered tile;
// k a multiple of 64, or with a tail; one panel, a pair, a pair and one.
const ConvCase kAmxCases[] = {
    {1, 6, 7, 100, 40, 1, 1, 1, Padding::kValid, Activation::kRelu6, true, true},
    {2, 4, 8, 64, 16, 1, 1, 1, Padding::kValid, Activation::kNone, true, true},
    {1, 9, 10, 144, 33, 1, 2, 1, Padding::kSame, Activation::kRelu, false, true},
    {1, 8, 8, 200, 64, 1, 1, 1, Padding::kValid, Activation::kNone, true, false},
};

TEST(CpuInt8, Conv2DOnAmxTilesMatchesReference) {
  uint32_t seed = 300;
  const uint64_t calls = cpu::int8_amx_calls();
  for (bool amx : {true, false}) {
    cpu::set_amx_allowed(amx);
    for (DType t : {DType::kI8, DType::kU8})
      for (const ConvCase& c : kAmxCases) check_conv(c, t, false, seed++);
  }
  cpu::set_amx_allowed(true);
  if (!cpu::amx_enabled()) GTEST_SKIP() << "skipped: no AMX on this CPU (or ODIN_NO_AMX is set)";
  EXPECT_GT(cpu::int8_amx_calls(), calls) << "no convolution took the AMX tiles";
}

const ConvCase kDepthwiseCases[] = {
    {1, 9, 7, 32, 0, 3, 1, 1, Padding::kSame, Activation::kRelu6, true, true},
    {1, 10, 11, 13, 0, 3, 2, 1, Padding::kSame, Activation::kNone, true, true},
    {2, 8, 8, 24, 0, 3, 2, 1, Padding::kValid, Activation::kRelu, false, true},
    {1, 12, 9, 40, 0, 5, 1, 1, Padding::kSame, Activation::kNone, true, true},
    {1, 13, 14, 7, 0, 5, 2, 1, Padding::kSame, Activation::kRelu6, true, false},
    {1, 6, 5, 3, 0, 3, 1, 1, Padding::kValid, Activation::kNone, true, true},
    {1, 9, 9, 17, 0, 3, 1, 2, Padding::kSame, Activation::kRelu, true, true},
    {1, 13, 12, 20, 0, 3, 1, 3, Padding::kSame, Activation::kNone, true, true},
    {2, 9, 10, 36, 0, 3, 2, 2, Padding::kSame, Activation::kRelu6, true, true},
    {1, 1, 1, 64, 0, 3, 1, 1, Padding::kSame, Activation::kNone, true, true},
    // At most 8 channels: the VNNI kernel's 256-bit form (3x3 and 5x5,
    // both strides, a ragged last group of pixels).
    {1, 11, 13, 8, 0, 3, 2, 1, Padding::kSame, Activation::kNone, true, true},
    {1, 9, 12, 8, 0, 5, 1, 1, Padding::kSame, Activation::kNone, true, false},
    {2, 7, 9, 6, 0, 3, 1, 1, Padding::kValid, Activation::kNone, false, true},
    // 16 channels: one block, the rows converted as flat runs of bytes
    // (widths whose rows are, and are not, a whole number of 64 bytes);
    // each stride of the 3x3 and 5x5 forms.
    {1, 11, 13, 16, 0, 3, 1, 1, Padding::kSame, Activation::kNone, true, true},
    {1, 8, 12, 16, 0, 3, 1, 1, Padding::kSame, Activation::kNone, true, true},
    {2, 12, 9, 16, 0, 3, 2, 1, Padding::kSame, Activation::kRelu, true, true},
    {1, 13, 15, 16, 0, 5, 2, 1, Padding::kSame, Activation::kNone, true, true},
    {1, 10, 10, 32, 0, 5, 1, 1, Padding::kValid, Activation::kNone, true, true},
};

TEST(CpuInt8, DepthwiseMatchesReference) {
  uint32_t seed = 100;
  for (DType t : {DType::kI8, DType::kU8})
    for (const ConvCase& c : kDepthwiseCases) check_conv(c, t, true, seed++);
}

TEST(CpuInt8, FullyConnectedMatchesReference) {
  struct Case {
    int64_t batch, depth, units;
    Activation act;
    bool per_channel;
  };
  uint32_t seed = 200;
  for (DType t : {DType::kI8, DType::kU8})
    for (const Case& c :
         {Case{1, 64, 10, Activation::kNone, true}, Case{1, 37, 35, Activation::kRelu, false},
          Case{5, 100, 17, Activation::kRelu6, true}, Case{11, 8, 64, Activation::kNone, true}}) {
      Rng rng(seed++);
      Graph g;
      const int32_t zx = t == DType::kU8 ? 128 : rng.integer(-30, 30);
      const ValueId x =
          add_quantized(g, Shape{c.batch, c.depth}, t, per_tensor(0.05f, zx), rng, false);
      const QuantParams wq = weight_quant(t, c.units, 0, c.per_channel, rng);
      const float sw = wq.scales[0];
      const ValueId w = add_quantized(g, Shape{c.units, c.depth}, t, wq, rng, true);
      const ValueId bias = random_bias(g, c.units, c.depth, rng);
      const float sy = std::sqrt(static_cast<float>(c.depth)) * 75.0f * 75.0f * 0.05f * sw / 40.0f;
      const ValueId y = add_quantized(g, Shape{c.batch, c.units}, t, per_tensor(sy, 3), rng, false);
      FullyConnectedAttrs a;
      a.activation = c.act;
      add_node(g, OpType::kFullyConnected, a, {x, w, bias}, {y});
      expect_same_bytes(g, str_cat("fully_connected ", dtype_name(t), " ", c.batch, "x", c.depth,
                                   " -> ", c.units));
    }
}

// The kernels' requantization (one 64-bit rounding) against quant/affine.h
// (TFLite's two): random and extreme x, multipliers, shifts -31..31,
// exact ties of both roundings, both signs.
TEST(CpuInt8, RequantizationMatchesReference) {
  std::mt19937 gen(11);
  const auto any = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(gen);
  };
  std::vector<int32_t> x;
  std::vector<FixedPointMultiplier> m;
  for (int i = 0; i < 400000; ++i) {
    FixedPointMultiplier f;
    const int64_t kind = any(0, 5);
    f.multiplier = kind == 0   ? static_cast<int32_t>(int64_t{1} << 30)  // exact halves: ties
                   : kind == 1 ? 0
                   : kind == 2 ? INT32_MAX
                               : static_cast<int32_t>(any(int64_t{1} << 30, INT32_MAX));
    f.shift = static_cast<int>(any(0, 3) == 0 ? any(1, 31) : any(-31, 0));
    int32_t v = static_cast<int32_t>(any(INT32_MIN, INT32_MAX));
    switch (any(0, 5)) {
      case 0:
        v = static_cast<int32_t>(any(-1000, 1000));
        break;
      case 1:
        v = any(0, 1) ? INT32_MIN : INT32_MAX;
        break;
      case 2: {  // a multiple of half the final divisor: a tie of the second rounding
        const int e = std::max(-f.shift, 0);
        v = static_cast<int32_t>(any(-4000, 4000) << std::min(e, 20));
        f.multiplier = static_cast<int32_t>(int64_t{1} << 30);
        break;
      }
      case 3:
        v = static_cast<int32_t>(any(-255, 255) * (1 << 20));
        break;
      default:
        break;
    }
    x.push_back(v);
    m.push_back(f);
  }
  test::for_each_target([&] {
    std::vector<int32_t> got(x.size());
    cpu::int8_multiply_by_multipliers(x.data(), m.data(), static_cast<int64_t>(x.size()),
                                      got.data());
    int64_t bad = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const int32_t want = multiply_by_quantized_multiplier(x[i], m[i]);
      if (got[i] != want && ++bad <= 5)
        ADD_FAILURE() << cpu::int8_target_name() << " x " << x[i] << " m " << m[i].multiplier
                      << " shift " << m[i].shift << ": " << got[i] << " want " << want;
    }
    EXPECT_EQ(bad, 0) << cpu::int8_target_name();
  });
}

TEST(CpuInt8, AddSubMatchReference) {
  uint32_t seed = 300;
  for (DType t : {DType::kI8, DType::kU8})
    for (OpType op : {OpType::kAdd, OpType::kSub})
      for (Activation act : {Activation::kNone, Activation::kRelu, Activation::kRelu6})
        for (const Shape& shape : {Shape{1, 7, 5, 13}, Shape{1, 33}, Shape{2, 16, 16, 24}}) {
          Rng rng(seed++);
          Graph g;
          const int32_t base = t == DType::kU8 ? 128 : 0;
          const ValueId a = add_quantized(
              g, shape, t, per_tensor(rng.real(0.02f, 0.05f), base + rng.integer(-20, 20)), rng,
              false);
          const ValueId b = add_quantized(
              g, shape, t, per_tensor(rng.real(0.02f, 0.05f), base + rng.integer(-20, 20)), rng,
              false);
          const ValueId y = add_quantized(
              g, shape, t, per_tensor(rng.real(0.03f, 0.06f), base + rng.integer(-20, 20)), rng,
              false);
          BinaryAttrs attrs;
          attrs.activation = act;
          add_node(g, op, attrs, {a, b}, {y});
          expect_same_bytes(g, str_cat(op_type_name(op), " ", dtype_name(t), " ", shape.str(), " ",
                                       activation_name(act)));
        }
}

TEST(CpuInt8, MaxPoolMatchesReference) {
  struct Case {
    Shape shape;
    int32_t filter, stride;
    Padding padding;
    Activation act;
  };
  uint32_t seed = 400;
  for (DType t : {DType::kI8, DType::kU8})
    for (const Case& c : {Case{Shape{1, 9, 9, 13}, 3, 2, Padding::kSame, Activation::kNone},
                          Case{Shape{2, 8, 8, 70}, 2, 2, Padding::kValid, Activation::kRelu},
                          Case{Shape{1, 7, 6, 24}, 3, 1, Padding::kSame, Activation::kRelu6},
                          Case{Shape{1, 10, 12, 16}, 2, 2, Padding::kValid, Activation::kNone},
                          Case{Shape{1, 11, 9, 40}, 5, 1, Padding::kSame, Activation::kNone},
                          Case{Shape{2, 5, 5, 8}, 1, 2, Padding::kValid, Activation::kNone}}) {
      Rng rng(seed++);
      Graph g;
      const QuantParams q = per_tensor(0.05f, t == DType::kU8 ? 120 : -7);
      const ValueId x = add_quantized(g, c.shape, t, q, rng, false);
      const SpatialPadding ph =
          compute_spatial_padding(c.padding, c.shape[1], c.filter, c.stride, 1);
      const SpatialPadding pw =
          compute_spatial_padding(c.padding, c.shape[2], c.filter, c.stride, 1);
      const ValueId y =
          add_quantized(g, Shape{c.shape[0], ph.out, pw.out, c.shape[3]}, t, q, rng, false);
      Pool2DAttrs a;
      a.padding = c.padding;
      a.stride_h = a.stride_w = c.stride;
      a.filter_h = a.filter_w = c.filter;
      a.activation = c.act;
      add_node(g, OpType::kMaxPool2D, a, {x}, {y});
      expect_same_bytes(g, str_cat("max_pool ", dtype_name(t), " ", c.shape.str(), " f", c.filter,
                                   " s", c.stride, " ", activation_name(c.act)));
    }
}

TEST(CpuInt8, ResizeBilinearMatchesReference) {
  struct Case {
    Shape in;
    int64_t out_h, out_w;
    bool align_corners, half_pixel_centers;
  };
  uint32_t seed = 450;
  for (DType t : {DType::kI8, DType::kU8})
    for (const Case& c :
         {Case{Shape{1, 6, 6, 32}, 12, 12, false, false},
          Case{Shape{2, 5, 7, 13}, 11, 9, false, true}, Case{Shape{1, 9, 8, 24}, 4, 5, true, false},
          Case{Shape{1, 1, 3, 70}, 3, 7, false, true}}) {
      Rng rng(seed++);
      Graph g;
      const QuantParams q = per_tensor(0.05f, t == DType::kU8 ? 130 : 3);
      const ValueId x = add_quantized(g, c.in, t, q, rng, false);
      const ValueId size = test::add_const_i32(
          g, Shape{2}, {static_cast<int32_t>(c.out_h), static_cast<int32_t>(c.out_w)});
      const ValueId y =
          add_quantized(g, Shape{c.in[0], c.out_h, c.out_w, c.in[3]}, t, q, rng, false);
      ResizeAttrs a;
      a.align_corners = c.align_corners;
      a.half_pixel_centers = c.half_pixel_centers;
      add_node(g, OpType::kResizeBilinear, a, {x, size}, {y});
      expect_same_bytes(g, str_cat("resize_bilinear ", dtype_name(t), " ", c.in.str(), " -> ",
                                   c.out_h, "x", c.out_w, c.align_corners ? " align_corners" : "",
                                   c.half_pixel_centers ? " half_pixel_centers" : ""));
    }
}

TEST(CpuInt8, PreluMatchesReference) {
  uint32_t seed = 500;
  for (DType t : {DType::kI8, DType::kU8})
    for (const Shape& shape : {Shape{1, 7, 5, 13}, Shape{1, 33}, Shape{2, 16, 16, 24}}) {
      Rng rng(seed++);
      Graph g;
      const int32_t base = t == DType::kU8 ? 128 : 0;
      const int64_t c = shape[shape.rank() - 1];
      const ValueId x =
          add_quantized(g, shape, t, per_tensor(0.05f, base + rng.integer(-20, 20)), rng, false);
      const Shape alpha_shape = shape.rank() == 4 ? Shape{1, 1, c} : Shape{c};
      const ValueId a =
          add_quantized(g, alpha_shape, t,
                        per_tensor(rng.real(0.002f, 0.01f), base + rng.integer(-5, 5)), rng, true);
      const ValueId y =
          add_quantized(g, shape, t, per_tensor(0.04f, base + rng.integer(-20, 20)), rng, false);
      add_node(g, OpType::kPrelu, std::monostate{}, {x, a}, {y});
      expect_same_bytes(g, str_cat("prelu ", dtype_name(t), " ", shape.str()));
    }
}

// A PRELU whose scale ratio is so large that its float products may leave
// int32 (no Int8PreluParams::saturate), so the float path clamps before
// rounding. TFLite's fixed point wraps there (its left shift overflows), so
// the float mode's outputs are checked against the products in double,
// clamped: the saturated values, not the reference's wrapped ones.
TEST(CpuInt8, PreluLargeScaleRatioSaturates) {
  for (DType t : {DType::kI8, DType::kU8}) {
    Rng rng(t == DType::kU8 ? 520 : 521);
    Graph g;
    const int32_t base = t == DType::kU8 ? 128 : 0;
    const float sx = 1.0f, sa = 0.5f, sy = 1e-7f;
    const int64_t c = 24, n = 5 * 7 * c;
    const Shape shape{1, 5, 7, c};
    const ValueId x = add_quantized(g, shape, t, per_tensor(sx, base), rng, false);
    const ValueId a = add_quantized(g, Shape{1, 1, c}, t, per_tensor(sa, base), rng, true);
    const ValueId y = add_quantized(g, shape, t, per_tensor(sy, base), rng, false);
    add_node(g, OpType::kPrelu, std::monostate{}, {x, a}, {y});
    std::vector<uint8_t> in(static_cast<size_t>(n)), got(static_cast<size_t>(n));
    for (uint8_t& b : in) b = static_cast<uint8_t>(rng.integer(0, 255));
    const auto value = [&](uint8_t b) {
      return t == DType::kU8 ? int{b} : int{static_cast<int8_t>(b)};
    };
    const uint8_t* alpha = g.value(a).data;
    test::for_each_target([&] {
      CpuOpContext ctx{g, 1};
      const std::unique_ptr<CpuOp> op = make_cpu_op(ctx, g.nodes().back());
      ASSERT_TRUE(op);
      const std::vector<ConstTensorView> ins = {{t, shape, in.data()}};
      const std::vector<TensorView> outs = {{t, shape, got.data()}};
      ThreadPool pool(1);
      op->run(ins, outs, pool);
      for (int64_t i = 0; i < n; ++i) {
        const int v = value(in[static_cast<size_t>(i)]) - base;
        const double factor =
            v >= 0 ? double{sx} / sy : (value(alpha[i % c]) - base) * double{sx} * sa / sy;
        const double want =
            std::clamp(std::nearbyint(v * factor) + base, t == DType::kU8 ? 0.0 : -128.0,
                       t == DType::kU8 ? 255.0 : 127.0);
        EXPECT_EQ(value(got[static_cast<size_t>(i)]), static_cast<int>(want))
            << cpu::int8_target_name() << " element " << i;
      }
    });
  }
}

TEST(CpuInt8, QuantizeMatchesReference) {
  uint32_t seed = 600;
  for (DType t : {DType::kI8, DType::kU8})
    for (int64_t n : {int64_t{1}, int64_t{37}, int64_t{1000}}) {
      Rng rng(seed++);
      Graph g;
      // Values between and (every 20th) on the rounding ties, beyond the
      // range, NaN, inf. The float requantization rounds ties to even
      // (QuantizeFloatRoundsTiesToEven), the reference away from zero: few
      // ties, so that it stays within a step in under a tenth.
      std::vector<float> v(static_cast<size_t>(n));
      for (size_t i = 0; i < v.size(); ++i)
        v[i] = i % 20 == 19 ? static_cast<float>(rng.integer(-700, 700)) * 0.025f
                            : rng.real(-17.5f, 17.5f);
      const float special[] = {std::nanf(""), INFINITY, -INFINITY, 0.0125f, -0.0125f, 1e30f};
      for (size_t i = 0; i < v.size() && i < 6; ++i) v[i] = special[i];
      const ValueId x = test::add_value(g, Shape{n});
      const ValueId y =
          add_quantized(g, Shape{n}, t, per_tensor(0.05f, t == DType::kU8 ? 130 : -3), rng, false);
      add_node(g, OpType::kQuantize, std::monostate{}, {x}, {y});
      expect_same_bytes(g, str_cat("quantize ", dtype_name(t), " n", n), &v);
    }
}

// QUANTIZE in float requantization (the default) is XNNPACK's conversion:
// x times 1 / scale, clamped, rounded to nearest even, plus the zero point.
TEST(CpuInt8, QuantizeFloatRoundsTiesToEven) {
  for (DType t : {DType::kI8, DType::kU8}) {
    const float scale = 0.05f;
    const int32_t zero = t == DType::kU8 ? 130 : -3;
    Graph g;
    const int64_t n = 70;
    std::vector<float> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i - 35) * 0.025f;
    const ValueId x = test::add_value(g, Shape{n});
    Rng rng(1);
    const ValueId y = add_quantized(g, Shape{n}, t, per_tensor(scale, zero), rng, false);
    add_node(g, OpType::kQuantize, std::monostate{}, {x}, {y});
    test::for_each_target([&] {
      CpuOpContext ctx{g, 1};
      const std::unique_ptr<CpuOp> op = make_cpu_op(ctx, g.nodes().back());
      ASSERT_TRUE(op);
      std::vector<uint8_t> got(static_cast<size_t>(n));
      const std::vector<ConstTensorView> in = {{DType::kF32, Shape{n}, v.data()}};
      const std::vector<TensorView> out = {{t, Shape{n}, got.data()}};
      ThreadPool pool(1);
      op->run(in, out, pool);
      for (int64_t i = 0; i < n; ++i) {
        const float q = std::nearbyint(v[static_cast<size_t>(i)] * (1.0f / scale)) + zero;
        const int want = static_cast<int>(
            std::clamp(q, t == DType::kU8 ? 0.0f : -128.0f, t == DType::kU8 ? 255.0f : 127.0f));
        const int value = t == DType::kU8 ? int{got[static_cast<size_t>(i)]}
                                          : int{static_cast<int8_t>(got[static_cast<size_t>(i)])};
        EXPECT_EQ(value, want) << cpu::int8_target_name() << " x=" << v[static_cast<size_t>(i)];
      }
    });
  }
}

// DEQUANTIZE of an int8/uint8 activation: float(x - zero) * scale, equal to
// the reference's double product rounded to float, on every target.
TEST(CpuInt8, DequantizeMatchesReference) {
  uint32_t seed = 700;
  for (DType t : {DType::kI8, DType::kU8})
    for (int64_t n : {int64_t{1}, int64_t{37}, int64_t{1000}}) {
      Rng rng(seed++);
      Graph g;
      const ValueId x = add_quantized(g, Shape{n}, t,
                                      per_tensor(0.0371f, t == DType::kU8 ? 131 : -7), rng, false);
      const ValueId y = test::add_value(g, Shape{n});
      add_node(g, OpType::kDequantize, std::monostate{}, {x}, {y});
      std::vector<uint8_t> bytes(static_cast<size_t>(n));
      for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng.integer(0, 255));
      const ConstTensorView in{t, Shape{n}, bytes.data()};
      std::vector<float> want(static_cast<size_t>(n));
      const TensorView ref_out{DType::kF32, Shape{n}, want.data()};
      ASSERT_TRUE(
          run_reference(g, g.nodes().back(), std::span(&in, 1), std::span(&ref_out, 1)).ok());
      test::for_each_target([&] {
        std::unique_ptr<CpuOp> op = make_cpu_op(CpuOpContext{g, 2}, g.nodes().back());
        ASSERT_TRUE(op) << "no optimized DEQUANTIZE";
        std::vector<float> got(static_cast<size_t>(n), -1.0f);
        const TensorView out{DType::kF32, Shape{n}, got.data()};
        ThreadPool pool(2);
        op->run(std::span(&in, 1), std::span(&out, 1), pool);
        EXPECT_EQ(got, want) << dtype_name(t) << " n" << n << " " << cpu::int8_target_name();
      });
    }
}

// The float32 nodes keep their float kernels (the int8 entries decline them).
TEST(CpuInt8, FloatNodesKeepFloatKernels) {
  Graph g;
  const ValueId x = test::add_value(g, Shape{1, 4, 4, 8});
  const ValueId w = test::add_random_const(g, Shape{8, 1, 1, 8}, 3);
  const ValueId y = test::add_value(g, Shape{1, 4, 4, 8});
  add_node(g, OpType::kConv2D, Conv2DAttrs{}, {x, w}, {y});
  std::unique_ptr<CpuOp> op = make_cpu_op(CpuOpContext{g, 1}, g.nodes().back());
  ASSERT_TRUE(op);
  EXPECT_GT(op->packed_bytes(), 0u);
}

}  // namespace
}  // namespace odin
