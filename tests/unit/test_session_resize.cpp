// A resize that fails leaves the session as it was: its shapes, arena and
// executables still agree, so setting inputs and running stay safe.
#include <gtest/gtest.h>

#include <cmath>

#include "graph_builder.h"
#include "runtime/session.h"

namespace odin {
namespace {

TEST(SessionResize, FailureKeepsTheWorkingSession) {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape{1, 4});
  const Graph g = m.finish({m.node(OpType::kTanh, {x})});
  SessionOptions o;
  o.max_arena_bytes = 4096;
  auto s = Session::create(g, o);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  Session& session = **s;

  // Over the arena limit: refused, and the session runs as before.
  const Status big = session.resize_input(0, Shape{1, 100000});
  EXPECT_EQ(big.code(), StatusCode::kOutOfRange) << big.to_string();
  EXPECT_EQ(session.input_info(0).shape, (Shape{1, 4}));
  std::vector<float> a = {1, 2, 3, 4};
  a.resize(100000);
  EXPECT_FALSE(session.set_input(0, a.data(), a.size() * sizeof(float)).ok());  // old size holds
  ASSERT_TRUE(session.set_input(0, a.data(), 4 * sizeof(float)).ok());
  ASSERT_TRUE(session.run().ok());
  const ConstTensorView out = session.output(0);
  ASSERT_EQ(out.num_elements(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(out.as<float>()[i], std::tanh(a[i]));
}

TEST(SessionResize, ShapesThatAgreeOnlyTogether) {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape{1, 4});
  const ValueId y = m.input("y", Shape{1, 4});
  const Graph g = m.finish({m.node(OpType::kAdd, {x, y}, BinaryAttrs{})});
  auto s = Session::create(g);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  // Inconsistent alone ([1,2] + [1,4]), consistent together: the first
  // requested shape is remembered.
  EXPECT_FALSE((*s)->resize_input(0, Shape{1, 2}).ok());
  EXPECT_EQ((*s)->output_info(0).shape, (Shape{1, 4}));
  ASSERT_TRUE((*s)->resize_input(1, Shape{1, 2}).ok());
  EXPECT_EQ((*s)->output_info(0).shape, (Shape{1, 2}));
}

}  // namespace
}  // namespace odin
