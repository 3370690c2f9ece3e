// CONV_3D on the GPU backends beyond the one-op goldens: a filter computed
// at run time, which both GPU kernels decline for one reason
// (ops/conv3d_geometry.h: conv3d_gpu_unsupported); the node runs on the
// CPU, with the reason kept.
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "runtime/backend.h"
#include "runtime/session.h"

namespace odin {
namespace {

TEST(BackendConv3D, RunTimeFilterFallsBackWithTheReason) {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 3, 4, 4, 2}));
  const ValueId filter = m.input("filter", Shape({2, 2, 2, 2, 3}));
  Conv3DAttrs a;
  a.padding = Padding::kValid;
  const Graph g = m.finish({m.node(OpType::kConv3D, {x, filter}, a)});
  int tried = 0;
  for (const std::string& name : built_backends()) {
    Backend* b = find_backend(name);
    if (name == "cpu" || !b || !b->available()) continue;
    ++tried;
    SessionOptions o;
    o.backends = {name, "cpu"};
    auto s = Session::create(g, o);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    EXPECT_EQ((*s)->node_backend(0), "cpu");
    EXPECT_EQ((*s)->node_fallback(0),
              name + ": CONV_3D with run-time (non-constant) weights not supported");
  }
  if (tried == 0) GTEST_SKIP() << "skipped: no GPU device";
}

}  // namespace
}  // namespace odin
