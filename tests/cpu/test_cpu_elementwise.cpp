// Optimized elementwise, SOFTMAX, pooling, resize and PAD kernels against the
// reference kernels: broadcast patterns, sizes that are not multiples of any
// vector width, in place (output over input 0), 1-3 threads.
#include <chrono>
#include <cmath>

#include "cpu_test_util.h"
#include "kernels/cpu/cpu_kernels.h"
#include "passes/passes.h"
#include "runtime/session.h"

namespace odin {
namespace {

using test::add_const_i32;
using test::add_node;
using test::add_random_const;
using test::add_value;

const Activation kActs[] = {Activation::kNone, Activation::kRelu, Activation::kRelu6,
                            Activation::kReluN1To1};

// a op b with the given shapes; `b_const` makes b a constant.
void check_binary(OpType op, Shape a, Shape b, Activation act, bool b_const, bool a_first = true) {
  Graph g;
  const ValueId x = add_value(g, a);
  const ValueId y = b_const ? add_random_const(g, b, 4, 0.5f, 2.0f) : add_value(g, b);
  Shape out_shape = a.num_elements() >= b.num_elements() ? a : b;
  const ValueId z = add_value(g, out_shape);
  BinaryAttrs attrs;
  attrs.activation = act;
  const NodeId id = add_node(
      g, op, attrs, a_first ? std::vector<ValueId>{x, y} : std::vector<ValueId>{y, x}, {z});
  g.inputs() = b_const ? std::vector<ValueId>{x} : std::vector<ValueId>{x, y};
  g.outputs() = {z};
  auto cpu = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
  const std::string what = str_cat(op_type_name(op), " ", a.str(), " ", b.str(),
                                   a_first ? "" : " swapped", " ", activation_name(act));
  ASSERT_NE(cpu, nullptr) << what;
  // In place over the full-size activation operand (reads[0] when it is x).
  const bool in_place = cpu->reads[0] == x && a == out_shape;
  test::expect_op_matches(g, *cpu, what, in_place);
}

TEST(CpuElementwise, BinaryBroadcastPatterns) {
  int i = 0;
  for (OpType op :
       {OpType::kAdd, OpType::kSub, OpType::kMul, OpType::kDiv, OpType::kSquaredDifference})
    for (int64_t c : {1, 3, 16, 17, 40}) {
      // SQUARED_DIFFERENCE has no fused activation.
      const Activation act = op == OpType::kSquaredDifference ? Activation::kNone : kActs[i++ % 4];
      const Shape full{1, 5, 3, c};
      check_binary(op, full, full, act, false);
      check_binary(op, full, Shape{c}, act, true);
      check_binary(op, full, Shape{1, 1, 1, c}, act, false);
      check_binary(op, full, Shape{c}, act, true, false);  // vector op tensor
      check_binary(op, full, Shape{1}, act, true);
      check_binary(op, full, Shape{}, act, true, false);            // scalar op tensor
      check_binary(op, full, Shape{1, 5, 3, 1}, act, false);        // a value per pixel
      check_binary(op, full, Shape{1, 5, 3, 1}, act, true, false);  // the same, first
      // A value per row repeating every 3 rows (GroupNorm's statistics over
      // [N, H*W, G, C/G]): short rows expanded, long ones a call per row.
      check_binary(op, Shape{1, 5, 3, c}, Shape{1, 1, 3, 1}, act, false);
      check_binary(op, Shape{1, 5, 3, c}, Shape{1, 1, 3, 1}, act, true, false);
    }
}

TEST(CpuElementwise, PreluAndClamp) {
  for (int64_t c : {1, 5, 16, 24, 37}) {
    for (bool per_element : {false, true}) {
      Graph g;
      const Shape s{1, 7, 3, c};
      const ValueId x = add_value(g, s);
      const ValueId alpha = add_random_const(g, per_element ? s : Shape{1, 1, c}, 2);
      const ValueId y = add_value(g, s);
      const NodeId id = add_node(g, OpType::kPrelu, std::monostate{}, {x, alpha}, {y});
      g.inputs() = {x};
      auto op = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
      ASSERT_NE(op, nullptr);
      test::expect_op_matches(g, *op, str_cat("prelu c=", c), true);
    }
    for (OpType act : {OpType::kRelu, OpType::kRelu6, OpType::kReluN1To1}) {
      Graph g;
      const ValueId x = add_value(g, Shape{3, c + 2});
      const ValueId y = add_value(g, Shape{3, c + 2});
      const NodeId id = add_node(g, act, std::monostate{}, {x}, {y});
      g.inputs() = {x};
      auto op = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
      ASSERT_NE(op, nullptr);
      test::expect_op_matches(g, *op, str_cat(op_type_name(act), " c=", c), true);
    }
  }
}

TEST(CpuReduce, MeanAndSumOverAxisRuns) {
  struct Case {
    OpType op;
    Shape in;
    std::vector<int32_t> axes;
    Shape out;
  };
  const Case cases[] = {
      {OpType::kMean, Shape{2, 5, 3, 17}, {1, 2}, Shape{2, 1, 1, 17}},
      {OpType::kMean, Shape{1, 7, 7, 40}, {2, 1}, Shape{1, 40}},
      {OpType::kSum, Shape{4, 7}, {-1}, Shape{4}},
      {OpType::kMean, Shape{3, 6, 5}, {0}, Shape{6, 5}},
      {OpType::kSum, Shape{2, 3, 4}, {0, 1, 2}, Shape{}},
      // Two runs, kept axes between, the second at the end (GroupNorm).
      {OpType::kMean, Shape{2, 12, 4, 3}, {1, 3}, Shape{2, 1, 4, 1}},
      {OpType::kSum, Shape{2, 3, 4}, {0, 2}, Shape{3}},
      {OpType::kMean, Shape{3, 5, 2, 7, 3}, {4, 1, 3}, Shape{3, 2}},
  };
  for (const Case& c : cases) {
    Graph g;
    const ValueId x = add_value(g, c.in);
    const ValueId axes = add_const_i32(g, Shape{static_cast<int64_t>(c.axes.size())}, c.axes);
    const ValueId y = add_value(g, c.out);
    const NodeId id = add_node(g, c.op, ReduceAttrs{}, {x, axes}, {y});
    g.inputs() = {x};
    auto op = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
    const std::string what = str_cat(op_type_name(c.op), " ", c.in.str());
    ASSERT_NE(op, nullptr) << what;
    test::expect_op_matches(g, *op, what);
  }
  // Two runs not ending at the last axis stay on the reference kernel.
  Graph g;
  const ValueId x = add_value(g, Shape{2, 3, 4, 5});
  const ValueId axes = add_const_i32(g, Shape{2}, {0, 2});
  const ValueId y = add_value(g, Shape{3, 5});
  const NodeId id = add_node(g, OpType::kSum, ReduceAttrs{}, {x, axes}, {y});
  EXPECT_EQ(make_cpu_op(CpuOpContext{g, 1}, g.node(id)), nullptr);
}

TEST(CpuUnary, TranscendentalsMatchReference) {
  // Graph inputs are SplitMix64 values in [-2, 2] (RSQRT: below, positive).
  const std::pair<OpType, OpAttrs> ops[] = {
      {OpType::kLogistic, std::monostate{}},  {OpType::kTanh, std::monostate{}},
      {OpType::kHardSwish, std::monostate{}}, {OpType::kLeakyRelu, LeakyReluAttrs{0.1f}},
      {OpType::kGelu, GeluAttrs{false}},      {OpType::kGelu, GeluAttrs{true}}};
  for (const auto& [op, attrs] : ops)
    for (int64_t n : {1, 15, 16, 17, 1000, 40000}) {
      Graph g;
      const ValueId x = add_value(g, Shape{n});
      const ValueId y = add_value(g, Shape{n});
      const NodeId id = add_node(g, op, attrs, {x}, {y});
      g.inputs() = {x};
      g.outputs() = {y};
      auto cpu = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
      const std::string what = str_cat(op_type_name(op), " n=", n);
      ASSERT_NE(cpu, nullptr) << what;
      test::expect_op_matches(g, *cpu, what, /*in_place=*/true, 1e-6);
    }
}

TEST(CpuUnary, ExtremeInputsStayFinite) {
  // Saturation: logistic and tanh at +-100, GELU far out; exact zeros.
  const std::vector<float> x = {-100.0f, -20.0f, -9.0f, 0.0f, 9.0f, 20.0f, 100.0f, 1e-30f};
  std::vector<float> y(x.size());
  cpu::unary_values(UnaryFn::kLogistic, x.data(), y.data(), 8, 0);
  EXPECT_LT(y[0], 1e-30f);
  EXPECT_GE(y[0], 0.0f);
  EXPECT_EQ(y[6], 1.0f);
  EXPECT_FLOAT_EQ(y[3], 0.5f);
  cpu::unary_values(UnaryFn::kTanh, x.data(), y.data(), 8, 0);
  EXPECT_EQ(y[0], -1.0f);
  EXPECT_EQ(y[6], 1.0f);
  EXPECT_EQ(y[3], 0.0f);
  cpu::unary_values(UnaryFn::kGelu, x.data(), y.data(), 8, 0);
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[6], 100.0f);
  EXPECT_EQ(y[3], 0.0f);
  const std::vector<float> pos = {0.25f, 1.0f, 4.0f, 100.0f, 1e-6f};
  cpu::unary_values(UnaryFn::kRsqrt, pos.data(), y.data(), 5, 0);
  for (size_t i = 0; i < pos.size(); ++i) EXPECT_FLOAT_EQ(y[i], 1.0f / std::sqrt(pos[i]));
}

TEST(CpuPool, MaxAndAverageMatchReference) {
  int i = 0;
  for (OpType op : {OpType::kMaxPool2D, OpType::kAveragePool2D})
    for (int32_t f : {2, 3})
      for (int32_t s : {1, 2})
        for (Padding pad : {Padding::kSame, Padding::kValid})
          for (int64_t c : {1, 6, 16, 17, 28, 40}) {
            const int64_t h = 5 + i % 4, w = 6 + i % 3;
            Pool2DAttrs a;
            a.padding = pad;
            a.filter_h = a.filter_w = f;
            a.stride_h = a.stride_w = s;
            a.activation = kActs[i++ % 4];
            const SpatialPadding ph = compute_spatial_padding(pad, h, f, s, 1);
            const SpatialPadding pw = compute_spatial_padding(pad, w, f, s, 1);
            Graph g;
            const ValueId x = add_value(g, Shape{2, h, w, c});
            const ValueId y = add_value(g, Shape{2, ph.out, pw.out, c});
            const NodeId id = add_node(g, op, a, {x}, {y});
            g.inputs() = {x};
            auto cpu = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
            const std::string what = str_cat(op_type_name(op), " f", f, " s", s, " c", c);
            ASSERT_NE(cpu, nullptr) << what;
            test::expect_op_matches(g, *cpu, what);
          }
}

TEST(CpuResize, BilinearMatchesReference) {
  const int64_t sizes[][4] = {
      {3, 5, 5, 8}, {4, 4, 8, 8}, {5, 7, 3, 4}, {6, 6, 12, 12}, {1, 1, 3, 2}};
  for (const auto& sz : sizes)
    for (int mode = 0; mode < 3; ++mode)
      for (int64_t c : {1, 16, 19}) {
        ResizeAttrs a;
        a.align_corners = mode == 1;
        a.half_pixel_centers = mode == 2;
        Graph g;
        const ValueId x = add_value(g, Shape{1, sz[0], sz[1], c});
        const ValueId size =
            add_const_i32(g, Shape{2}, {static_cast<int32_t>(sz[2]), static_cast<int32_t>(sz[3])});
        const ValueId y = add_value(g, Shape{1, sz[2], sz[3], c});
        const NodeId id = add_node(g, OpType::kResizeBilinear, a, {x, size}, {y});
        g.inputs() = {x};
        auto op = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
        ASSERT_NE(op, nullptr);
        test::expect_op_matches(g, *op,
                                str_cat("resize ", sz[0], "x", sz[1], "->", sz[2], "x", sz[3],
                                        " mode ", mode, " c", c));
      }
}

TEST(CpuPad, ZeroPadAnyDims) {
  const int32_t pads[][8] = {{0, 0, 1, 1, 1, 1, 0, 0},
                             {0, 0, 0, 0, 0, 0, 0, 4},
                             {1, 0, 2, 1, 0, 3, 2, 1},
                             {0, 0, 0, 2, 1, 0, 0, 0}};
  for (const auto& p : pads) {
    Graph g;
    const Shape in{1, 4, 5, 3};
    const ValueId x = add_value(g, in);
    const ValueId pv = add_const_i32(g, Shape{4, 2}, std::vector<int32_t>(p, p + 8));
    const ValueId y =
        add_value(g, Shape{1 + p[0] + p[1], 4 + p[2] + p[3], 5 + p[4] + p[5], 3 + p[6] + p[7]});
    const NodeId id = add_node(g, OpType::kPad, std::monostate{}, {x, pv}, {y});
    g.inputs() = {x};
    auto op = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
    ASSERT_NE(op, nullptr);
    test::expect_op_matches(g, *op, "pad");
  }
}

TEST(CpuPad, ChannelPadFoldsIntoAdd) {
  for (int64_t cx : {1, 16, 24, 42})
    for (int64_t extra : {1, 4, 6, 20})
      for (bool pad_first : {true, false}) {
        Graph g;
        const ValueId x = add_value(g, Shape{1, 6, 5, cx});
        const ValueId y = add_value(g, Shape{1, 6, 5, cx + extra});
        const ValueId pv =
            add_const_i32(g, Shape{4, 2}, {0, 0, 0, 0, 0, 0, 0, static_cast<int32_t>(extra)});
        const ValueId padded = add_value(g, Shape{1, 6, 5, cx + extra});
        const ValueId z = add_value(g, Shape{1, 6, 5, cx + extra});
        add_node(g, OpType::kPad, std::monostate{}, {x, pv}, {padded});
        BinaryAttrs a;
        a.activation = Activation::kRelu;
        add_node(g, OpType::kAdd, a,
                 pad_first ? std::vector<ValueId>{padded, y} : std::vector<ValueId>{y, padded},
                 {z});
        g.inputs() = {x, y};
        g.outputs() = {z};
        auto folded = fold_pad(g);  // the ADD reads x as a channel-padded operand
        ASSERT_TRUE(folded.ok() && *folded == 1);
        auto op = make_cpu_op(CpuOpContext{g, 3}, g.node(0));
        ASSERT_NE(op, nullptr);
        test::expect_op_matches(g, *op, str_cat("channel pad add cx ", cx, " +", extra));
      }
}

// A hostile PAD to [1, 65536, 65536, 0] writes nothing but has 4e9 pixels:
// the CPU backend must not loop over them (found by fuzz_tflite_loader).
TEST(CpuPad, EmptyOutputRunsNothing) {
  Graph g;
  const ValueId x = add_value(g, Shape{1, 65536, 1, 0});
  const ValueId pv = add_const_i32(g, Shape{4, 2}, {0, 0, 0, 0, 0, 65535, 0, 0});
  const ValueId y = add_value(g, Shape{1, 65536, 65536, 0});
  add_node(g, OpType::kPad, std::monostate{}, {x, pv}, {y});
  g.inputs() = {x};
  g.outputs() = {y};
  SessionOptions o;
  o.backends = {"cpu"};
  o.num_threads = 2;
  auto s = Session::create(g, o);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  ASSERT_TRUE((*s)->set_input(0, nullptr, 0).ok());
  const auto t0 = std::chrono::steady_clock::now();
  const Status run = (*s)->run();
  ASSERT_TRUE(run.ok()) << run.to_string();
  // Looping took 8 s in a release build; skipping takes microseconds.
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2.0);
  EXPECT_EQ((*s)->output(0).num_elements(), 0);
}

// SOFTMAX: rows shorter than a vector, tails past whole vectors, Mobile
// MQA's rows of 49, two betas, 1-3 threads, in place.
TEST(CpuSoftmax, MatchesReference) {
  for (int64_t depth : {1, 3, 16, 17, 49, 100})
    for (float beta : {1.0f, 0.5f}) {
      Graph g;
      const ValueId x = add_value(g, Shape{2, 7, depth});
      const ValueId y = add_value(g, Shape{2, 7, depth});
      const NodeId id = add_node(g, OpType::kSoftmax, SoftmaxAttrs{.beta = beta}, {x}, {y});
      g.inputs() = {x};
      g.outputs() = {y};
      auto op = make_cpu_op(CpuOpContext{g, 3}, g.node(id));
      const std::string what = str_cat("softmax depth ", depth, " beta ", beta);
      ASSERT_NE(op, nullptr) << what;
      test::expect_op_matches(g, *op, what, /*in_place=*/true);
    }
}

}  // namespace
}  // namespace odin
