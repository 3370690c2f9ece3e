// fuse_activation: a standalone RELU-family op becomes its producer's fused
// activation only when that is invisible to everything else.
#include "format/tflite/tflite_importer.h"
#include "test_pass_helpers.h"

namespace odin {
namespace {

using test::add_const_f32;
using test::add_node;
using test::add_value;
using test::count_op;

struct ConvRelu {
  Graph g;
  ValueId x, mid, y;
  NodeId conv;
};

// x[1,5,5,3] -> CONV_2D 3x3 SAME (4 channels) -> mid -> act -> y
ConvRelu conv_then(OpType act) {
  ConvRelu c;
  Graph& g = c.g;
  c.x = add_value(g, "x", Shape{1, 5, 5, 3});
  const ValueId w = add_const_f32(g, "w", Shape{4, 3, 3, 3},
                                  test::splitmix_values(4 * 3 * 3 * 3, 3, -1.0f, 1.0f));
  const ValueId b = add_const_f32(g, "b", Shape{4}, {0.1f, -0.2f, 0.3f, -0.4f});
  c.mid = add_value(g, "mid", Shape{1, 5, 5, 4});
  c.y = add_value(g, "y", Shape{1, 5, 5, 4});
  Conv2DAttrs a;
  a.padding = Padding::kSame;
  c.conv = add_node(g, OpType::kConv2D, a, {c.x, w, b}, {c.mid});
  add_node(g, act, std::monostate{}, {c.mid}, {c.y});
  g.inputs() = {c.x};
  g.outputs() = {c.y};
  return c;
}

TEST(PassFuseActivation, FoldsReluFamilyIntoConv) {
  for (OpType act : {OpType::kRelu, OpType::kRelu6, OpType::kReluN1To1}) {
    ConvRelu c = conv_then(act);
    const Graph before = c.g;
    auto n = fuse_activation(c.g);
    ASSERT_TRUE(n.ok()) << n.status().to_string();
    EXPECT_EQ(*n, 1) << op_type_name(act);
    ASSERT_EQ(c.g.num_nodes(), 1u);
    EXPECT_TRUE(c.g.validate().ok()) << c.g.validate().to_string();
    const Node& conv = c.g.node(0);
    EXPECT_EQ(conv.outputs[0], c.y);  // writes the activation's output directly
    EXPECT_NE(std::get<Conv2DAttrs>(conv.attrs).activation, Activation::kNone);
    test::expect_same_outputs(before, c.g);
  }
}

TEST(PassFuseActivation, KeepsReluWhenTheIntermediateHasAnotherReader) {
  ConvRelu c = conv_then(OpType::kRelu);
  const ValueId z = add_value(c.g, "z", Shape{1, 5, 5, 4});
  add_node(c.g, OpType::kAdd, BinaryAttrs{}, {c.mid, c.y}, {z});
  c.g.outputs() = {z};
  auto n = fuse_activation(c.g);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(count_op(c.g, OpType::kRelu), 1u);
}

TEST(PassFuseActivation, KeepsReluWhenTheIntermediateIsAGraphOutput) {
  ConvRelu c = conv_then(OpType::kRelu);
  c.g.outputs() = {c.y, c.mid};
  auto n = fuse_activation(c.g);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
}

TEST(PassFuseActivation, KeepsReluWhenTheProducerAlreadyHasAnActivation) {
  ConvRelu c = conv_then(OpType::kRelu6);
  std::get<Conv2DAttrs>(c.g.node(c.conv).attrs).activation = Activation::kRelu;
  const Graph before = c.g;
  auto n = fuse_activation(c.g);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(c.g.num_nodes(), 2u);
}

TEST(PassFuseActivation, FoldsIntoAddButNotIntoUnsupportedProducers) {
  Graph g;
  const ValueId a = add_value(g, "a", Shape{2, 3});
  const ValueId b = add_value(g, "b", Shape{2, 3});
  const ValueId s = add_value(g, "s", Shape{2, 3});
  const ValueId r = add_value(g, "r", Shape{2, 3});
  const ValueId t = add_value(g, "t", Shape{2, 3});
  const ValueId u = add_value(g, "u", Shape{2, 3});
  add_node(g, OpType::kAdd, BinaryAttrs{}, {a, b}, {s});
  add_node(g, OpType::kRelu6, std::monostate{}, {s}, {r});
  add_node(g, OpType::kTanh, std::monostate{}, {r}, {t});  // TANH has no fused slot
  add_node(g, OpType::kRelu, std::monostate{}, {t}, {u});
  g.inputs() = {a, b};
  g.outputs() = {u};
  const Graph before = g;
  auto n = fuse_activation(g);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  ASSERT_EQ(g.num_nodes(), 3u);
  EXPECT_EQ(std::get<BinaryAttrs>(g.node(0).attrs).activation, Activation::kRelu6);
  EXPECT_EQ(g.node(1).op, OpType::kTanh);
  EXPECT_EQ(g.node(2).op, OpType::kRelu);
  test::expect_same_outputs(before, g);
}

TEST(PassFuseActivation, BlazeFaceKeepsNoStandaloneRelu) {
  const std::string path = test::model_path("face_detection_short_range");
  if (!test::file_exists(path)) GTEST_SKIP() << "fetch models: python3 tools/fetch_models.py";
  auto g = load_tflite_file(path);
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(count_op(*g, OpType::kRelu), 17u);
  Graph after = *g;
  ASSERT_TRUE(run_passes(after, PassOptions{}).ok());
  EXPECT_EQ(count_op(after, OpType::kRelu), 0u);
  test::expect_same_outputs(*g, after);
}

}  // namespace
}  // namespace odin
