// fold_constants: nodes computed only from constants (DEQUANTIZE, DENSIFY, ...) become constants.
#include <cstring>

#include "format/tflite/tflite_importer.h"
#include "test_pass_helpers.h"

namespace odin {
namespace {

using test::add_const_f16;
using test::add_node;
using test::add_value;
using test::count_op;

// y = x + dequantize(w16); z = dequantize(w16) (a graph output made by a fold).
Graph fp16_add_graph() {
  Graph g;
  const ValueId x = add_value(g, "x", Shape{1, 2, 2, 3});
  const ValueId w16 = add_const_f16(g, "w16", Shape{3}, {0.5f, -1.25f, 3.0f});
  const ValueId w = add_value(g, "w", Shape{3});
  const ValueId y = add_value(g, "y", Shape{1, 2, 2, 3});
  add_node(g, OpType::kDequantize, std::monostate{}, {w16}, {w});
  add_node(g, OpType::kAdd, BinaryAttrs{}, {x, w}, {y});
  g.inputs() = {x};
  g.outputs() = {y, w};
  return g;
}

TEST(PassFoldConstants, FoldsFp16ConstantIntoFloatConstant) {
  Graph g = fp16_add_graph();
  ASSERT_TRUE(g.validate().ok());
  const Graph before = g;
  auto n = fold_constants(g);
  ASSERT_TRUE(n.ok()) << n.status().to_string();
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(count_op(g, OpType::kDequantize), 0u);
  ASSERT_EQ(g.num_nodes(), 1u);
  EXPECT_TRUE(g.validate().ok());
  const Value& w = g.value(g.node(0).inputs[1]);
  ASSERT_TRUE(w.is_constant());
  EXPECT_EQ(w.dtype, DType::kF32);
  ASSERT_EQ(w.data_bytes, 3 * sizeof(float));
  float vals[3];
  std::memcpy(vals, w.data, sizeof(vals));
  EXPECT_EQ(vals[0], 0.5f);
  EXPECT_EQ(vals[1], -1.25f);
  EXPECT_EQ(vals[2], 3.0f);
  test::expect_same_outputs(before, g);
}

TEST(PassFoldConstants, StopsAtTheByteBudget) {
  Graph g = fp16_add_graph();  // one fold of 3 floats = 12 bytes
  auto none = fold_constants(g, 8);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  EXPECT_EQ(count_op(g, OpType::kDequantize), 1u);
  auto one = fold_constants(g, 12);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, 1);
}

TEST(PassFoldConstants, LeavesNonConstantInputsAlone) {
  Graph g;
  Value in;
  in.name = "q";
  in.dtype = DType::kF16;
  in.shape = Shape{4};
  const ValueId q = g.add_value(in);
  const ValueId y = add_value(g, "y", Shape{4});
  add_node(g, OpType::kDequantize, std::monostate{}, {q}, {y});
  g.inputs() = {q};
  g.outputs() = {y};
  auto n = fold_constants(g);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(g.num_nodes(), 1u);
}

// Real models: every weight DEQUANTIZE (and DENSIFY in the sparse model)
// folds, and the outputs do not change.
class PassFoldModel : public testing::TestWithParam<const char*> {};

TEST_P(PassFoldModel, FoldsEveryConstantDequantize) {
  const std::string path = test::model_path(GetParam());
  if (!test::file_exists(path)) GTEST_SKIP() << "fetch models: python3 tools/fetch_models.py";
  auto g = load_tflite_file(path);
  ASSERT_TRUE(g.ok()) << g.status().to_string();
  EXPECT_GT(count_op(*g, OpType::kDequantize), 0u);
  Graph after = *g;
  ASSERT_TRUE(fold_constants(after).ok());
  ASSERT_TRUE(remove_dead_nodes(after).ok());
  EXPECT_TRUE(after.validate().ok());
  EXPECT_EQ(count_op(after, OpType::kDequantize), 0u);
  EXPECT_EQ(count_op(after, OpType::kDensify), 0u);
  test::expect_same_outputs(*g, after);
}

INSTANTIATE_TEST_SUITE_P(MediaPipe, PassFoldModel,
                         testing::Values("face_detection_short_range",
                                         "face_detection_full_range_sparse"));

}  // namespace
}  // namespace odin
