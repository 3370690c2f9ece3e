// The memory planner's sharing rules (OpDef::output_reuse): elementwise
// outputs over dying inputs, views over their input, never over graph inputs.
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "runtime/memory_planner.h"

namespace odin {
namespace {

using test::add_const_i32;
using test::add_node;
using test::add_value;

bool overlaps(const MemoryPlan& p, const Graph& g, ValueId a, ValueId b) {
  const size_t a0 = p.offsets[a], b0 = p.offsets[b];
  const auto bytes = [&](ValueId v) {
    return static_cast<size_t>(g.value(v).shape.num_elements()) * 4;
  };
  return a0 < b0 + bytes(b) && b0 < a0 + bytes(a);
}

TEST(MemoryPlanner, ElementwiseChainsRunInPlace) {
  Graph g;
  const ValueId x = add_value(g, Shape{1, 8, 8, 16});
  const ValueId a = add_value(g, Shape{1, 8, 8, 16});
  const ValueId b = add_value(g, Shape{1, 8, 8, 16});
  const ValueId c = add_value(g, Shape{1, 8, 8, 16});
  add_node(g, OpType::kTanh, std::monostate{}, {x}, {a});
  add_node(g, OpType::kRelu, std::monostate{}, {a}, {b});  // a dies here: b takes its bytes
  add_node(g, OpType::kAdd, BinaryAttrs{}, {b, b}, {c});   // b dies here: c takes its bytes
  g.inputs() = {x};
  g.outputs() = {c};
  auto plan = plan_memory(g);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->in_place, 2);
  EXPECT_EQ(plan->offsets[a], plan->offsets[b]);
  EXPECT_EQ(plan->offsets[b], plan->offsets[c]);
  EXPECT_FALSE(overlaps(*plan, g, x, a));  // never over a graph input
}

// Persistent state lives across runs: bytes of its own for the whole run,
// unless a backend keeps it in memory of its own (off_host): then none.
TEST(MemoryPlanner, PersistentStateOnTheHostOrOffIt) {
  Graph g;
  const ValueId x = add_value(g, Shape{64});
  const ValueId state = add_value(g, Shape{256});
  g.value(state).persistent = true;
  const ValueId a = add_value(g, Shape{64});
  add_node(g, OpType::kAdd, BinaryAttrs{}, {x, x}, {a});
  const ValueId b = add_value(g, Shape{256});
  add_node(g, OpType::kTanh, std::monostate{}, {state}, {b});
  g.inputs() = {x};
  g.outputs() = {a, b};
  auto host = plan_memory(g);
  ASSERT_TRUE(host.ok());
  EXPECT_NE(host->offsets[state], MemoryPlan::kNoOffset);
  EXPECT_FALSE(overlaps(*host, g, state, b));
  std::vector<bool> off_host(g.num_values(), false);
  off_host[static_cast<size_t>(state)] = true;
  auto device = plan_memory(g, off_host);
  ASSERT_TRUE(device.ok());
  EXPECT_EQ(device->offsets[state], MemoryPlan::kNoOffset);
  EXPECT_EQ(host->arena_bytes - device->arena_bytes, size_t{256 * 4});
}

TEST(MemoryPlanner, NoInPlaceWhileTheInputLivesOn) {
  Graph g;
  const ValueId x = add_value(g, Shape{64});
  const ValueId a = add_value(g, Shape{64});
  const ValueId b = add_value(g, Shape{64});
  const ValueId c = add_value(g, Shape{64});
  add_node(g, OpType::kTanh, std::monostate{}, {x}, {a});
  add_node(g, OpType::kRelu, std::monostate{}, {a}, {b});
  add_node(g, OpType::kAdd, BinaryAttrs{}, {a, b}, {c});  // a is read after the RELU
  g.inputs() = {x};
  g.outputs() = {c};
  auto plan = plan_memory(g);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(overlaps(*plan, g, a, b));
}

TEST(MemoryPlanner, ViewsShareTheirInputsBytes) {
  Graph g;
  const ValueId x = add_value(g, Shape{1, 4, 4, 2});
  const ValueId t = add_value(g, Shape{1, 4, 4, 2});
  const ValueId r = add_value(g, Shape{16, 2});
  const ValueId u = add_value(g, Shape{16, 2});
  const ValueId shape = add_const_i32(g, Shape{2}, {16, 2});
  add_node(g, OpType::kTanh, std::monostate{}, {x}, {t});
  add_node(g, OpType::kReshape, ReshapeAttrs{}, {t, shape}, {r});  // r is t's bytes
  add_node(g, OpType::kRelu, std::monostate{}, {r}, {u});          // then u takes them over
  g.inputs() = {x};
  g.outputs() = {u};
  auto plan = plan_memory(g);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->offsets[t], plan->offsets[r]);
  EXPECT_EQ(plan->offsets[r], plan->offsets[u]);
}

TEST(MemoryPlanner, AViewOfAGraphInputIsNeverOverwritten) {
  Graph g;
  const ValueId x = add_value(g, Shape{2, 8});
  const ValueId r = add_value(g, Shape{16});
  const ValueId u = add_value(g, Shape{16});
  const ValueId shape = add_const_i32(g, Shape{1}, {16});
  add_node(g, OpType::kReshape, ReshapeAttrs{}, {x, shape}, {r});  // r is x's bytes
  add_node(g, OpType::kRelu, std::monostate{}, {r}, {u});          // must not write over x
  g.inputs() = {x};
  g.outputs() = {u};
  auto plan = plan_memory(g);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->offsets[x], plan->offsets[r]);
  EXPECT_FALSE(overlaps(*plan, g, x, u));
}

}  // namespace
}  // namespace odin
