// Optimized CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and BATCH_MATMUL against the
// reference kernels over many shapes: odd sizes, strides 1 and 2 (and 3),
// SAME/VALID padding, dilation, channel counts that are not multiples of
// any vector width, every clamp activation, folded PADs (explicit padding
// from passes/fold_pad), 1-3 threads.
#include <array>

#include "cpu_test_util.h"
#include "passes/passes.h"

namespace odin {
namespace {

using test::add_const_i32;
using test::add_node;
using test::add_random_const;
using test::add_value;

const Activation kActs[] = {Activation::kNone, Activation::kRelu, Activation::kRelu6,
                            Activation::kReluN1To1};

struct ConvCase {
  int64_t batch, h, w, in_c, out_c, k_h, k_w, stride, dilation;
  Padding padding;
  Activation act;
  bool bias;
};

std::string describe(const ConvCase& c) {
  return str_cat("n", c.batch, " ", c.h, "x", c.w, "x", c.in_c, " -> ", c.out_c, " k", c.k_h, "x",
                 c.k_w, " s", c.stride, " d", c.dilation,
                 c.padding == Padding::kSame ? " SAME " : " VALID ", activation_name(c.act),
                 c.bias ? " bias" : "");
}

Shape conv_out(const ConvCase& c, int64_t h, int64_t w, int64_t ch) {
  const SpatialPadding ph = compute_spatial_padding(c.padding, h, c.k_h, c.stride, c.dilation);
  const SpatialPadding pw = compute_spatial_padding(c.padding, w, c.k_w, c.stride, c.dilation);
  return Shape{c.batch, ph.out, pw.out, ch};
}

void check_conv(const ConvCase& c, bool depthwise, const int32_t* pads = nullptr) {
  Graph g;
  const ValueId x = add_value(g, Shape{c.batch, c.h, c.w, c.in_c});
  ValueId conv_in = x;
  int64_t h = c.h, w = c.w;
  if (pads) {  // [top, bottom, left, right]
    h += pads[0] + pads[1];
    w += pads[2] + pads[3];
    conv_in = add_value(g, Shape{c.batch, h, w, c.in_c});
    const ValueId p =
        add_const_i32(g, Shape{4, 2}, {0, 0, pads[0], pads[1], pads[2], pads[3], 0, 0});
    add_node(g, OpType::kPad, std::monostate{}, {x, p}, {conv_in});
  }
  const int64_t out_c = depthwise ? c.in_c : c.out_c;
  const Shape out_shape = conv_out(c, h, w, out_c);
  if (out_shape[1] < 1 || out_shape[2] < 1) return;
  const ValueId filter = depthwise ? add_random_const(g, Shape{1, c.k_h, c.k_w, out_c}, 3)
                                   : add_random_const(g, Shape{out_c, c.k_h, c.k_w, c.in_c}, 3);
  std::vector<ValueId> ins = {conv_in, filter};
  if (c.bias) ins.push_back(add_random_const(g, Shape{out_c}, 5));
  const ValueId y = add_value(g, out_shape);
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
  g.inputs() = {x};
  g.outputs() = {y};
  if (pads) {  // the PAD becomes the conv's explicit padding
    auto folded = fold_pad(g);
    ASSERT_TRUE(folded.ok() && *folded == 1) << folded.status().to_string();
  }
  const CpuOpContext ctx{g, 3};
  auto op = make_cpu_op(ctx, g.node(static_cast<NodeId>(g.num_nodes() - 1)));
  const std::string what =
      str_cat(depthwise ? "depthwise " : "conv ", describe(c), pads ? " folded pad" : "");
  if (depthwise && c.dilation != 1) {
    EXPECT_EQ(op, nullptr) << what << ": dilated depthwise has no optimized kernel";
    return;
  }
  ASSERT_NE(op, nullptr) << what;
  test::expect_op_matches(g, *op, what);
}

TEST(CpuConv, MatchesReferenceOverShapes) {
  int i = 0;
  for (int64_t k : {1, 2, 3, 5})
    for (int64_t stride : {1, 2})
      for (Padding pad : {Padding::kSame, Padding::kValid})
        for (int64_t in_c : {1, 3, 17})
          for (int64_t out_c : {1, 7, 16, 33, 40}) {
            const Activation act = kActs[i % 4];
            const ConvCase c{1 + (i % 5 == 0), 9 + i % 3, 7 + i % 4, in_c, out_c,     k, k,
                             stride,           1,         pad,       act,  i % 3 != 0};
            check_conv(c, false);
            ++i;
          }
}

// 12, 20, 24 and 44 output channels end in a half-vector tail (AVX2's 8
// lanes: 12, 44; AVX-512's 16: 20, 24), partly or wholly filled; 3, 8 and
// 40 (32 + 8) are half vectors alone.
TEST(CpuConv, HalfVectorTails) {
  int i = 0;
  for (int64_t k : {1, 3})
    for (int64_t out_c : {3, 8, 12, 20, 24, 40, 44}) {
      const ConvCase c{1 + i % 2, 10,        9, 3 + 5 * (k == 1), out_c,        k,
                       k,         1 + i % 2, 1, Padding::kSame,   kActs[i % 4], i % 3 != 0};
      check_conv(c, false);
      ++i;
    }
}

TEST(CpuConv, OneByOneDirectAndDilated) {
  check_conv({1, 16, 16, 24, 28, 1, 1, 1, 1, Padding::kValid, Activation::kRelu, true}, false);
  check_conv({2, 5, 3, 96, 96, 1, 1, 1, 1, Padding::kSame, Activation::kNone, true}, false);
  check_conv({1, 11, 10, 5, 9, 3, 3, 1, 2, Padding::kSame, Activation::kRelu6, true}, false);
  check_conv({1, 12, 13, 4, 6, 3, 2, 2, 3, Padding::kValid, Activation::kNone, false}, false);
  check_conv({1, 8, 8, 3, 5, 3, 3, 3, 1, Padding::kSame, Activation::kNone, true}, false);
}

TEST(CpuDepthwise, MatchesReferenceOverShapes) {
  int i = 0;
  for (int64_t k : {3, 5, 2, 7})
    for (int64_t stride : {1, 2, 3})
      for (Padding pad : {Padding::kSame, Padding::kValid})
        for (int64_t ch : {1, 3, 16, 17, 24, 33})
          for (int64_t hw : {1, 2, 5, 8, 9}) {
            const Activation act = kActs[i % 4];
            const ConvCase c{1 + (i % 7 == 0), hw, hw + i % 3, ch,  ch,        k, k,
                             stride,           1,  pad,        act, i % 4 != 0};
            check_conv(c, true);
            ++i;
          }
}

TEST(CpuDepthwise, DilationFallsBack) {
  check_conv({1, 9, 9, 8, 8, 3, 3, 1, 2, Padding::kSame, Activation::kNone, true}, true);
}

TEST(CpuConv, FoldedPadAnySizes) {
  const int32_t pads[][4] = {{0, 0, 0, 0}, {1, 1, 1, 1}, {0, 1, 0, 1}, {2, 0, 1, 3}, {3, 3, 0, 2}};
  for (const auto& p : pads)
    for (int64_t stride : {1, 2})
      for (Padding padding : {Padding::kValid, Padding::kSame}) {
        check_conv({1, 9, 8, 5, 11, 3, 3, stride, 1, padding, Activation::kRelu, true}, false, p);
        check_conv({1, 9, 8, 20, 20, 3, 3, stride, 1, padding, Activation::kNone, true}, true, p);
        check_conv({2, 6, 7, 40, 40, 3, 3, stride, 1, padding, Activation::kRelu, true}, true, p);
        check_conv({1, 40, 36, 33, 33, 5, 5, stride, 1, padding, Activation::kNone, true}, true, p);
        check_conv({1, 7, 10, 18, 18, 5, 5, stride, 1, padding, Activation::kRelu6, false}, true,
                   p);
      }
}

TEST(CpuFullyConnected, MatchesReference) {
  for (int64_t batch : {1, 3, 9})
    for (int64_t units : {1, 5, 16, 17, 24, 63})
      for (int64_t depth : {1, 7, 64, 100}) {
        Graph g;
        const ValueId x = add_value(g, Shape{batch, depth});
        const ValueId w = add_random_const(g, Shape{units, depth}, 9);
        const ValueId b = add_random_const(g, Shape{units}, 10);
        const ValueId y = add_value(g, Shape{batch, units});
        FullyConnectedAttrs a;
        a.activation = kActs[(batch + units + depth) % 4];
        const NodeId id = add_node(g, OpType::kFullyConnected, a, {x, w, b}, {y});
        g.inputs() = {x};
        g.outputs() = {y};
        auto op = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
        const std::string what = str_cat("fc batch ", batch, " units ", units, " depth ", depth);
        ASSERT_NE(op, nullptr) << what;
        test::expect_op_matches(g, *op, what);
      }
}

TEST(CpuConv, GroupedConvFallsBack) {
  Graph g;
  const ValueId x = add_value(g, Shape{1, 5, 5, 4});
  const ValueId w = add_random_const(g, Shape{6, 3, 3, 2}, 1);
  const ValueId y = add_value(g, Shape{1, 3, 3, 6});
  const NodeId id = add_node(g, OpType::kConv2D, Conv2DAttrs{}, {x, w}, {y});
  EXPECT_EQ(make_cpu_op(CpuOpContext{g, 1}, g.node(id)), nullptr);
}

// BATCH_MATMUL on the GEMM: both adjoints, Mobile MQA's shapes (rows that
// are no multiple of the GEMM tile, k and n off the vector width), a y
// shared by every batch, and batches of their own.
TEST(CpuBatchMatMul, MatchesReference) {
  struct Case {
    Shape x, y;
  };
  for (bool adj_x : {false, true})
    for (bool adj_y : {false, true})
      for (const auto& [m, k, n] : {std::array<int64_t, 3>{1, 7, 5}, {13, 64, 49}, {196, 64, 49}})
        for (const Case& c :
             {Case{Shape{1, m, k}, Shape{1, k, n}}, Case{Shape{2, 3, m, k}, Shape{k, n}},
              Case{Shape{3, m, k}, Shape{3, k, n}}}) {
          Shape xs = c.x, ys = c.y;
          if (adj_x) std::swap(xs[xs.rank() - 1], xs[xs.rank() - 2]);
          if (adj_y) std::swap(ys[ys.rank() - 1], ys[ys.rank() - 2]);
          Shape zs = c.x;
          zs[zs.rank() - 1] = n;
          Graph g;
          const ValueId x = add_value(g, xs), y = add_value(g, ys), z = add_value(g, zs);
          const NodeId id = add_node(g, OpType::kBatchMatMul,
                                     BatchMatMulAttrs{.adj_x = adj_x, .adj_y = adj_y}, {x, y}, {z});
          g.inputs() = {x, y};
          g.outputs() = {z};
          auto op = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
          const std::string what =
              str_cat("x ", xs.str(), " y ", ys.str(), " adj_x ", adj_x, " adj_y ", adj_y);
          ASSERT_NE(op, nullptr) << what;
          test::expect_op_matches(g, *op, what);
        }
}

TEST(CpuBatchMatMul, PartlyBroadcastFallsBack) {
  Graph g;
  const ValueId x = add_value(g, Shape{2, 1, 3, 4});
  const ValueId y = add_value(g, Shape{1, 3, 4, 5});
  const ValueId z = add_value(g, Shape{2, 3, 3, 5});
  const NodeId partly = add_node(g, OpType::kBatchMatMul, BatchMatMulAttrs{}, {x, y}, {z});
  EXPECT_EQ(make_cpu_op(CpuOpContext{g, 1}, g.node(partly)), nullptr);
}

// A constant operand (a layer's per-head weights) is bound at compile
// time: either side, shared by every batch or one per batch.
TEST(CpuBatchMatMul, ConstantOperandMatchesReference) {
  struct Case {
    Shape x, y, z;
    bool x_const;
  };
  for (const Case& c : {Case{Shape{1, 9, 16}, Shape{4, 16, 5}, Shape{4, 9, 5}, false},
                        Case{Shape{3, 9, 16}, Shape{16, 5}, Shape{3, 9, 5}, false},
                        Case{Shape{4, 7, 6}, Shape{1, 6, 5}, Shape{4, 7, 5}, true}}) {
    Graph g;
    const ValueId x = c.x_const ? add_random_const(g, c.x, 3) : add_value(g, c.x);
    const ValueId y = c.x_const ? add_value(g, c.y) : add_random_const(g, c.y, 3);
    const ValueId z = add_value(g, c.z);
    const NodeId id = add_node(g, OpType::kBatchMatMul, BatchMatMulAttrs{}, {x, y}, {z});
    g.inputs() = {c.x_const ? y : x};
    g.outputs() = {z};
    auto op = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
    const std::string what = str_cat("x ", c.x.str(), " y ", c.y.str());
    ASSERT_NE(op, nullptr) << what;
    EXPECT_EQ(op->reads.size(), 1u) << what;
    test::expect_op_matches(g, *op, what);
  }
}

}  // namespace
}  // namespace odin
