// remove_dead_nodes: nodes that cannot reach a graph output go; the rest stay
// in order.
#include "test_pass_helpers.h"

namespace odin {
namespace {

using test::add_node;
using test::add_value;

TEST(PassRemoveDeadNodes, DropsBranchesThatReachNoOutput) {
  Graph g;
  const ValueId x = add_value(g, "x", Shape{4});
  const ValueId a = add_value(g, "a", Shape{4});
  const ValueId dead1 = add_value(g, "dead1", Shape{4});
  const ValueId dead2 = add_value(g, "dead2", Shape{4});
  const ValueId y = add_value(g, "y", Shape{4});
  add_node(g, OpType::kRelu, std::monostate{}, {x}, {a});
  add_node(g, OpType::kTanh, std::monostate{}, {a}, {dead1});
  add_node(g, OpType::kLogistic, std::monostate{}, {dead1}, {dead2});
  add_node(g, OpType::kRelu6, std::monostate{}, {a}, {y});
  g.inputs() = {x};
  g.outputs() = {y};
  const Graph before = g;
  auto n = remove_dead_nodes(g);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  ASSERT_EQ(g.num_nodes(), 2u);
  EXPECT_EQ(g.node(0).op, OpType::kRelu);
  EXPECT_EQ(g.node(1).op, OpType::kRelu6);
  EXPECT_TRUE(g.validate().ok());
  test::expect_same_outputs(before, g);
}

TEST(PassRemoveDeadNodes, KeepsEveryGraphOutputAndPersistentState) {
  Graph g;
  const ValueId x = add_value(g, "x", Shape{4});
  const ValueId y = add_value(g, "y", Shape{4});
  const ValueId z = add_value(g, "z", Shape{4});
  const ValueId state = add_value(g, "state", Shape{4});
  g.value(state).persistent = true;
  add_node(g, OpType::kRelu, std::monostate{}, {x}, {y});
  add_node(g, OpType::kTanh, std::monostate{}, {x}, {z});
  add_node(g, OpType::kRelu6, std::monostate{}, {x}, {state});
  g.inputs() = {x};
  g.outputs() = {z, y};
  auto n = remove_dead_nodes(g);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(g.num_nodes(), 3u);
}

}  // namespace
}  // namespace odin
