// fuse_add: a float32 residual ADD becomes the producing convolution's
// addend (with the ADD's activation), only where nothing else can tell.
#include "graph_builder.h"
#include "test_pass_helpers.h"

namespace odin {
namespace {

using test::count_op;
using test::same_conv;

BinaryAttrs add_with(Activation act) {
  BinaryAttrs a;
  a.activation = act;
  return a;
}

int fused_count(Graph& g) {
  return test::pass_count(fuse_add(g));
}

struct Residual {
  test::GraphMaker m;
  ValueId x, w, b;
};

// x[1,5,5,4] and its 3x3 SAME convolution's weights.
Residual residual_inputs() {
  Residual r;
  r.x = r.m.input("x", Shape{1, 5, 5, 4});
  r.w = r.m.constant_f32("w", Shape{4, 3, 3, 4},
                         test::splitmix_values(4 * 3 * 3 * 4, 3, -1.0f, 1.0f));
  r.b = r.m.constant_f32("b", Shape{4}, {0.1f, -0.2f, 0.3f, -0.4f});
  return r;
}

TEST(PassFuseAdd, FoldsResidualAddIntoConvEitherOperandOrder) {
  for (bool conv_first : {true, false}) {
    Residual r = residual_inputs();
    const ValueId conv = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv());
    const ValueId sum =
        r.m.node(OpType::kAdd, conv_first ? std::vector{conv, r.x} : std::vector{r.x, conv},
                 add_with(Activation::kRelu6));
    Graph g = r.m.finish({sum});
    const Graph before = g;
    auto n = fuse_add(g);
    ASSERT_TRUE(n.ok()) << n.status().to_string();
    EXPECT_EQ(*n, 1);
    ASSERT_EQ(g.num_nodes(), 1u);
    ASSERT_TRUE(g.validate().ok()) << g.validate().to_string();
    const Node& fused = g.node(0);
    EXPECT_EQ(fused.op, OpType::kConv2D);
    EXPECT_EQ(fused.outputs[0], sum);
    EXPECT_EQ(addend_of(fused), r.x);
    EXPECT_EQ(std::get<Conv2DAttrs>(fused.attrs).activation, Activation::kRelu6);
    test::expect_same_outputs(before, g);  // the reference adds in the same order
  }
}

TEST(PassFuseAdd, FusedNodeTakesTheAddsPlaceWhenTheAddendComesLater) {
  // conv(x) is computed before relu(x), the ADD's other operand.
  Residual r = residual_inputs();
  const ValueId conv = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv());
  const ValueId later = r.m.node(OpType::kRelu, {r.x});
  const ValueId sum = r.m.node(OpType::kAdd, {conv, later}, add_with(Activation::kNone));
  Graph g = r.m.finish({sum});
  const Graph before = g;
  auto n = fuse_add(g);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  ASSERT_EQ(g.num_nodes(), 2u);
  EXPECT_TRUE(g.validate().ok()) << g.validate().to_string();
  EXPECT_EQ(g.node(0).op, OpType::kRelu);
  EXPECT_EQ(g.node(1).op, OpType::kConv2D);
  test::expect_same_outputs(before, g);
}

TEST(PassFuseAdd, KeepsAddsItCannotFold) {
  {  // the convolution's own activation comes before the addition
    Residual r = residual_inputs();
    const ValueId conv = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv(Activation::kRelu));
    Graph g = r.m.finish({r.m.node(OpType::kAdd, {conv, r.x}, add_with(Activation::kNone))});
    EXPECT_EQ(fused_count(g), 0);
  }
  {  // the convolution's output has another reader
    Residual r = residual_inputs();
    const ValueId conv = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv());
    const ValueId sum = r.m.node(OpType::kAdd, {conv, r.x}, add_with(Activation::kNone));
    Graph g = r.m.finish({sum, conv});
    EXPECT_EQ(fused_count(g), 0);
  }
  {  // a broadcast operand (one value per channel) is not an addend
    Residual r = residual_inputs();
    const ValueId conv = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv());
    const ValueId c = r.m.constant_f32("c", Shape{4}, {1, 2, 3, 4});
    Graph g = r.m.finish({r.m.node(OpType::kAdd, {conv, c}, add_with(Activation::kNone))});
    EXPECT_EQ(fused_count(g), 0);
    EXPECT_EQ(count_op(g, OpType::kAdd), 1u);
  }
  {  // conv + conv: one of them absorbs the ADD, the other stays
    Residual r = residual_inputs();
    const ValueId c1 = r.m.node(OpType::kConv2D, {r.x, r.w, r.b}, same_conv());
    const ValueId c2 = r.m.node(OpType::kConv2D, {r.x, r.w}, same_conv());
    Graph g = r.m.finish({r.m.node(OpType::kAdd, {c1, c2}, add_with(Activation::kNone))});
    const Graph before = g;
    EXPECT_EQ(fused_count(g), 1);
    EXPECT_EQ(g.num_nodes(), 2u);
    EXPECT_EQ(count_op(g, OpType::kAdd), 0u);
    test::expect_same_outputs(before, g);
  }
}

TEST(PassFuseAdd, AddendMustMatchTheOutput) {
  Graph g;
  const ValueId x = test::add_value(g, "x", Shape{1, 5, 5, 4});
  const ValueId w = test::add_random_const(g, Shape{4, 3, 3, 4}, 3);
  const ValueId wrong = test::add_value(g, "wrong", Shape{1, 5, 5, 3});
  const ValueId y = test::add_value(g, "y", Shape());
  test::add_node(g, OpType::kConv2D, same_conv(), {x, w, kNoValue, wrong}, {y});
  g.inputs() = {x, wrong};
  g.outputs() = {y};
  const Status s = infer_graph(g);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("addend input 3 has shape"), std::string::npos) << s.to_string();
}

}  // namespace
}  // namespace odin
