// fuse_prelu: a float32 PRELU with constant slopes (one per channel, or one
// for all) becomes the producing convolution's slopes input, only where
// nothing else can tell; the reference computes the same bits either way.
#include "graph_builder.h"
#include "test_pass_helpers.h"

namespace odin {
namespace {

using test::count_op;
using test::same_conv;

DepthwiseConv2DAttrs same_depthwise() {
  DepthwiseConv2DAttrs a;
  a.padding = Padding::kSame;
  return a;
}

int fused_count(Graph& g) {
  return test::pass_count(fuse_prelu(g));
}

struct Net {
  test::GraphMaker m;
  ValueId x, w, b, alpha;
};

// x[1,5,5,3], a 3x3 SAME convolution to 5 channels and slopes [1,1,5]
// (MediaPipe's shape) of both signs.
Net conv_inputs() {
  Net r;
  r.x = r.m.input("x", Shape{1, 5, 5, 3});
  r.w = r.m.constant_f32("w", Shape{5, 3, 3, 3}, test::splitmix_values(5 * 3 * 3 * 3, 3, -1, 1));
  r.b = r.m.constant_f32("b", Shape{5}, {0.1f, -0.2f, 0.3f, -0.4f, 0.5f});
  r.alpha = r.m.constant_f32("alpha", Shape{1, 1, 5}, {0.25f, -0.5f, 1.5f, 0.0f, 0.125f});
  return r;
}

TEST(PassFusePrelu, FoldsPreluIntoConv) {
  Net r = conv_inputs();
  const ValueId conv = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv());
  const ValueId y = r.m.node(OpType::kPrelu, {conv, r.alpha});
  Graph g = r.m.finish({y});
  const Graph before = g;
  EXPECT_EQ(fused_count(g), 1);
  ASSERT_EQ(g.num_nodes(), 1u);
  ASSERT_TRUE(g.validate().ok()) << g.validate().to_string();
  EXPECT_EQ(g.node(0).outputs[0], y);
  EXPECT_EQ(prelu_alpha_of(g.node(0)), r.alpha);  // already one per channel
  test::expect_same_outputs(before, g);
}

TEST(PassFusePrelu, FoldsAfterAResidualAddAndAnActivation) {
  // conv + x -> PRELU (face_landmark's blocks), and conv with RELU6 ->
  // PRELU (the activation first, as the two nodes compute it).
  Net r = conv_inputs();
  const ValueId x5 = r.m.input("x5", Shape{1, 5, 5, 5});
  const ValueId conv = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv());
  const ValueId sum = r.m.node(OpType::kAdd, {conv, x5}, BinaryAttrs{});
  const ValueId y = r.m.node(OpType::kPrelu, {sum, r.alpha});
  const ValueId c6 = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv(Activation::kRelu6));
  const ValueId y6 = r.m.node(OpType::kPrelu, {c6, r.alpha});
  Graph g = r.m.finish({y, y6});
  const Graph before = g;
  PassOptions o;
  ASSERT_TRUE(run_passes(g, o).ok());
  EXPECT_EQ(count_op(g, OpType::kPrelu), 0u);
  EXPECT_EQ(count_op(g, OpType::kAdd), 0u);
  ASSERT_EQ(g.num_nodes(), 2u);
  EXPECT_EQ(addend_of(g.node(0)), x5);
  EXPECT_NE(prelu_alpha_of(g.node(0)), kNoValue);
  EXPECT_NE(prelu_alpha_of(g.node(1)), kNoValue);
  test::expect_same_outputs(before, g);
}

TEST(PassFusePrelu, FoldsIntoDepthwiseWithOneSlopeForAll) {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape{1, 6, 6, 7});
  const ValueId w = m.constant_f32("w", Shape{1, 3, 3, 7}, test::splitmix_values(63, 5, -1, 1));
  const ValueId alpha = m.constant_f32("alpha", Shape{1}, {-0.75f});
  const ValueId dw = m.node(OpType::kDepthwiseConv2D, {x, w}, same_depthwise());
  const ValueId y = m.node(OpType::kPrelu, {dw, alpha});
  Graph g = m.finish({y});
  const Graph before = g;
  EXPECT_EQ(fused_count(g), 1);
  ASSERT_EQ(g.num_nodes(), 1u);
  ASSERT_TRUE(g.validate().ok());
  const ValueId slopes = prelu_alpha_of(g.node(0));
  ASSERT_NE(slopes, kNoValue);
  EXPECT_EQ(g.value(slopes).shape, Shape({7}));  // expanded per channel
  test::expect_same_outputs(before, g);
}

TEST(PassFusePrelu, KeepsPrelusItCannotFold) {
  {  // the convolution's output has another reader
    Net r = conv_inputs();
    const ValueId conv = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv());
    Graph g = r.m.finish({r.m.node(OpType::kPrelu, {conv, r.alpha}), conv});
    EXPECT_EQ(fused_count(g), 0);
  }
  {  // slopes per element, not per channel
    Net r = conv_inputs();
    const ValueId conv = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv());
    const ValueId a = r.m.constant_f32("a", Shape{5, 5, 5}, test::splitmix_values(125, 9, -1, 1));
    Graph g = r.m.finish({r.m.node(OpType::kPrelu, {conv, a})});
    EXPECT_EQ(fused_count(g), 0);
  }
  {  // slopes computed at run time
    Net r = conv_inputs();
    const ValueId a = r.m.input("a", Shape{5});
    const ValueId conv = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv());
    Graph g = r.m.finish({r.m.node(OpType::kPrelu, {conv, a})});
    EXPECT_EQ(fused_count(g), 0);
  }
  {  // a producer without a slopes input (an ADD)
    Net r = conv_inputs();
    const ValueId x5 = r.m.input("x5", Shape{1, 5, 5, 5});
    const ValueId sum = r.m.node(OpType::kAdd, {x5, x5}, BinaryAttrs{});
    Graph g = r.m.finish({r.m.node(OpType::kPrelu, {sum, r.alpha})});
    EXPECT_EQ(fused_count(g), 0);
  }
}

TEST(PassFusePrelu, SlopesMustBeOnePerOutputChannel) {
  Graph g;
  const ValueId x = test::add_value(g, "x", Shape{1, 5, 5, 4});
  const ValueId w = test::add_random_const(g, Shape{4, 3, 3, 4}, 3);
  const ValueId wrong = test::add_random_const(g, Shape{3}, 4);
  const ValueId y = test::add_value(g, "y", Shape());
  test::add_node(g, OpType::kConv2D, same_conv(), {x, w, kNoValue, kNoValue, wrong}, {y});
  g.inputs() = {x};
  g.outputs() = {y};
  const Status s = infer_graph(g);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("PRELU slopes input 4 has shape [3]"), std::string::npos)
      << s.to_string();
}

}  // namespace
}  // namespace odin
