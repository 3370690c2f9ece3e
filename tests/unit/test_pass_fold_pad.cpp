// fold_pad: a zero PAD read by one node that can take the padding itself
// goes away, and the graph computes exactly what it did.
#include "test_pass_helpers.h"

namespace odin {
namespace {

using test::add_const_f32;
using test::add_node;
using test::add_value;
using test::count_op;

ValueId add_pads(Graph& g, std::vector<int32_t> pads) {
  Value v;
  v.name = "paddings";
  v.dtype = DType::kI32;
  v.shape = Shape{static_cast<int64_t>(pads.size() / 2), 2};
  std::vector<uint8_t> bytes(pads.size() * 4);
  std::memcpy(bytes.data(), pads.data(), bytes.size());
  v.data_bytes = bytes.size();
  v.data = g.own_bytes(std::move(bytes));
  return g.add_value(std::move(v));
}

// How many PADs fold (-1 on error).
int folds(Graph& g) {
  auto n = fold_pad(g);
  EXPECT_TRUE(n.ok()) << n.status().to_string();
  return n.ok() ? *n : -1;
}

// x -> PAD(pads) -> conv-like node; returns the graph, shapes inferred.
Graph pad_then(OpType op, OpAttrs attrs, Shape x_shape, std::vector<int32_t> pads, Shape w_shape) {
  Graph g;
  const ValueId x = add_value(g, "x", x_shape);
  const ValueId padded = add_value(g, "padded", Shape{});
  const ValueId y = add_value(g, "y", Shape{});
  add_node(g, OpType::kPad, std::monostate{}, {x, add_pads(g, std::move(pads))}, {padded});
  const auto n = static_cast<size_t>(w_shape.num_elements());
  const ValueId w = add_const_f32(g, "w", w_shape, test::splitmix_values(n, 3, -1, 1));
  add_node(g, op, std::move(attrs), {padded, w}, {y});
  g.inputs() = {x};
  g.outputs() = {y};
  EXPECT_TRUE(infer_graph(g).ok());
  return g;
}

TEST(PassFoldPad, SpatialPadBecomesExplicitConvPadding) {
  for (Padding padding : {Padding::kValid, Padding::kSame})
    for (int32_t stride : {1, 2}) {
      Conv2DAttrs a;
      a.padding = padding;
      a.stride_h = a.stride_w = stride;
      Graph g = pad_then(OpType::kConv2D, a, Shape{1, 7, 6, 3}, {0, 0, 1, 2, 0, 1, 0, 0},
                         Shape{4, 3, 3, 3});
      const Graph before = g;
      auto n = fold_pad(g);
      ASSERT_TRUE(n.ok()) << n.status().to_string();
      EXPECT_EQ(*n, 1);
      ASSERT_EQ(g.num_nodes(), 1u);
      EXPECT_EQ(g.node(0).inputs[0], g.inputs()[0]);  // reads x unpadded
      EXPECT_EQ(std::get<Conv2DAttrs>(g.node(0).attrs).padding, Padding::kExplicit);
      EXPECT_TRUE(g.validate().ok());
      test::expect_same_outputs(before, g);
    }
}

TEST(PassFoldPad, DepthwiseStrideTwoAsTheSparseBlazeFaceDoes) {
  DepthwiseConv2DAttrs a;
  a.stride_h = a.stride_w = 2;
  Graph g = pad_then(OpType::kDepthwiseConv2D, a, Shape{1, 8, 8, 5}, {0, 0, 0, 1, 0, 1, 0, 0},
                     Shape{1, 3, 3, 5});
  const Graph before = g;
  ASSERT_EQ(folds(g), 1);
  const ExplicitPadding want{0, 1, 0, 1};
  EXPECT_EQ(std::get<DepthwiseConv2DAttrs>(g.node(0).attrs).pad, want);
  test::expect_same_outputs(before, g);
}

TEST(PassFoldPad, ChannelPadBecomesAPaddedOperand) {
  Graph g;
  const ValueId x = add_value(g, "x", Shape{1, 3, 3, 4});
  const ValueId z = add_value(g, "z", Shape{1, 3, 3, 6});
  const ValueId padded = add_value(g, "padded", Shape{});
  const ValueId y = add_value(g, "y", Shape{});
  add_node(g, OpType::kPad, std::monostate{}, {x, add_pads(g, {0, 0, 0, 0, 0, 0, 0, 2})}, {padded});
  add_node(g, OpType::kAdd, BinaryAttrs{Activation::kRelu, {}}, {z, padded}, {y});
  g.inputs() = {x, z};
  g.outputs() = {y};
  ASSERT_TRUE(infer_graph(g).ok());
  const Graph before = g;
  ASSERT_EQ(folds(g), 1);
  const OperandPad& p = std::get<BinaryAttrs>(g.node(0).attrs).operand_pad;
  EXPECT_EQ(p.input, 1);
  EXPECT_EQ(p.after[3], 2);
  EXPECT_EQ(g.value(g.node(0).outputs[0]).shape, (Shape{1, 3, 3, 6}));
  test::expect_same_outputs(before, g);
}

TEST(PassFoldPad, StaysWhenItCannotFold) {
  // Channel padding into a conv, a pool (no absorb), two readers, an output.
  Graph conv = pad_then(OpType::kConv2D, Conv2DAttrs{}, Shape{1, 4, 4, 2}, {0, 0, 0, 0, 0, 0, 0, 1},
                        Shape{2, 1, 1, 3});
  EXPECT_EQ(folds(conv), 0);

  Graph pool;
  {
    const ValueId x = add_value(pool, "x", Shape{1, 4, 4, 2});
    const ValueId padded = add_value(pool, "padded", Shape{});
    const ValueId y = add_value(pool, "y", Shape{});
    add_node(pool, OpType::kPad, std::monostate{}, {x, add_pads(pool, {0, 0, 1, 1, 1, 1, 0, 0})},
             {padded});
    Pool2DAttrs a;
    a.filter_h = a.filter_w = 2;
    add_node(pool, OpType::kMaxPool2D, a, {padded}, {y});
    pool.inputs() = {x};
    pool.outputs() = {y, padded};  // also a graph output
    ASSERT_TRUE(infer_graph(pool).ok());
  }
  EXPECT_EQ(folds(pool), 0);

  Graph twice;
  {
    const ValueId x = add_value(twice, "x", Shape{1, 3, 3, 2});
    const ValueId padded = add_value(twice, "padded", Shape{});
    const ValueId y = add_value(twice, "y", Shape{});
    add_node(twice, OpType::kPad, std::monostate{}, {x, add_pads(twice, {0, 0, 0, 0, 0, 0, 0, 1})},
             {padded});
    add_node(twice, OpType::kAdd, BinaryAttrs{}, {padded, padded}, {y});
    twice.inputs() = {x};
    twice.outputs() = {y};
    ASSERT_TRUE(infer_graph(twice).ok());
  }
  EXPECT_EQ(folds(twice), 0);
  EXPECT_EQ(count_op(twice, OpType::kPad), 1u);
}

}  // namespace
}  // namespace odin
