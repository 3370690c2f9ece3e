// BATCH_MATMUL on the GPU backends beyond the one-op goldens: a constant
// operand (uploaded as weights), and partly broadcast batch dims, which
// the GPU kernels decline (the node runs on the CPU, with the reason kept).
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

// Runs g on `backend` (CPU fallback) on the seeded input; returns the output
// and the first node's backend and fallback reason.
struct Ran {
  std::vector<float> out;
  std::string backend, fallback;
};
Ran run(const Graph& g, const std::string& backend) {
  SessionOptions o;
  o.backends = {backend, "cpu"};
  auto s = Session::create(g, o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  if (!s.ok()) return {};
  Session& session = **s;
  const auto n = static_cast<size_t>(session.input_info(0).shape.num_elements());
  const std::vector<float> in = test::splitmix_values(n, 3, -1.0f, 1.0f);
  EXPECT_TRUE(session.set_input(0, in.data(), n * sizeof(float)).ok());
  EXPECT_TRUE(session.run().ok());
  const ConstTensorView o0 = session.output(0);
  const float* p = o0.as<float>();
  return {std::vector<float>(p, p + o0.num_elements()), std::string(session.node_backend(0)),
          session.node_fallback(0)};
}

class BackendBatchMatMul : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Backend* b = find_backend(GetParam());
    ASSERT_NE(b, nullptr);
    if (!b->available()) GTEST_SKIP() << "skipped: no " << GetParam() << " device";
  }
};

TEST_P(BackendBatchMatMul, ConstantLeftOperand) {
  test::GraphMaker m;
  const ValueId y = m.input("y", Shape({2, 4, 5}));
  const ValueId x = m.constant_f32("x", Shape({3, 4}), test::splitmix_values(12, 7, -1, 1));
  const Graph g = m.finish({m.node(OpType::kBatchMatMul, {x, y}, BatchMatMulAttrs{})});
  const Ran want = run(g, "cpu"), got = run(g, GetParam());
  EXPECT_EQ(got.backend, GetParam()) << got.fallback;
  ASSERT_EQ(got.out.size(), 2u * 3 * 5);
  EXPECT_LE(test::rel_range(want.out.data(), got.out.data(), want.out.size()), 1e-6);
}

TEST_P(BackendBatchMatMul, PartlyBroadcastBatchesFallBack) {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({2, 1, 3, 4}));
  const ValueId y = m.constant_f32("y", Shape({1, 3, 4, 5}), test::splitmix_values(60, 9, -1, 1));
  const Graph g = m.finish({m.node(OpType::kBatchMatMul, {x, y}, BatchMatMulAttrs{})});
  const Ran want = run(g, "cpu"), got = run(g, GetParam());
  EXPECT_EQ(got.backend, "cpu");
  EXPECT_EQ(got.fallback, GetParam() + ": BATCH_MATMUL with partly broadcast batch dims");
  EXPECT_EQ(got.out, want.out);
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BackendBatchMatMul);
INSTANTIATE_TEST_SUITE_P(Gpu, BackendBatchMatMul, testing::ValuesIn(test::gpu_backends()),
                         [](const testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace odin
