// GATHER_ND with run-time int32 indices (the one-op goldens have constant
// ones: ref_run only feeds float inputs) on every backend: equal to the
// reference where the backend runs it, the reason kept where it declines.
// An index outside params is an error on the CPU (the reference kernel
// names the tuple) and zeros for that slice on the GPUs, never a crash or a
// read outside params.
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

struct Ran {
  Status status;
  std::vector<float> out;
  std::string backend, fallback;
};

// params [4, 3, 2] (seeded) gathered by run-time int32 tuples [5, 2].
Ran run(const std::string& backend, const std::vector<int32_t>& tuples) {
  test::GraphMaker m;
  const ValueId params = m.input("params", Shape({4, 3, 2}));
  const ValueId idx = m.input("idx", Shape({5, 2}), DType::kI32);
  const Graph g = m.finish({m.node(OpType::kGatherNd, {params, idx})});
  SessionOptions o;
  o.backends = {backend, "cpu"};
  o.optimize = backend != "cpu";  // the CPU alone: its reference kernel
  auto s = Session::create(g, o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  if (!s.ok()) return {};
  Session& session = **s;
  const std::vector<float> in = test::splitmix_values(24, 5, -1.0f, 1.0f);
  EXPECT_TRUE(session.set_input(0, in.data(), in.size() * 4).ok());
  EXPECT_TRUE(session.set_input(1, tuples.data(), tuples.size() * 4).ok());
  Ran r;
  r.status = session.run();
  r.backend = std::string(session.node_backend(0));
  r.fallback = session.node_fallback(0);
  if (r.status.ok()) {
    const ConstTensorView o0 = session.output(0);
    r.out.assign(o0.as<float>(), o0.as<float>() + o0.num_elements());
  }
  return r;
}

const std::vector<int32_t> kTuples = {3, 2, 0, 0, 1, 1, 3, 2, 2, 0};

TEST(BackendGatherNd, RunTimeIndicesOutOfRangeFailOnTheCpu) {
  const Ran r = run("cpu", {3, 2, 0, 0, 1, 3, 3, 2, 2, 0});  // tuple 2: 3 >= dim 3
  EXPECT_EQ(r.status.code(), StatusCode::kOutOfRange) << r.status.to_string();
  EXPECT_NE(r.status.message().find("GATHER_ND"), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("index tuple 2"), std::string::npos) << r.status.message();
  const Ran ok = run("cpu", kTuples);
  ASSERT_TRUE(ok.status.ok()) << ok.status.to_string();
  ASSERT_EQ(ok.out.size(), 10u);
  const std::vector<float> params = test::splitmix_values(24, 5, -1.0f, 1.0f);
  for (size_t t = 0; t < 5; ++t)  // params[a, b, :] at element (a * 3 + b) * 2
    for (size_t c = 0; c < 2; ++c)
      EXPECT_EQ(ok.out[t * 2 + c],
                params[static_cast<size_t>((kTuples[2 * t] * 3 + kTuples[2 * t + 1]) * 2) + c]);
}

class BackendGatherNd : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Backend* b = find_backend(GetParam());
    ASSERT_NE(b, nullptr);
    if (!b->available()) GTEST_SKIP() << "skipped: no " << GetParam() << " device";
  }
};

TEST_P(BackendGatherNd, RunTimeIndices) {
  const Ran want = run("cpu", kTuples), got = run(GetParam(), kTuples);
  ASSERT_TRUE(got.status.ok()) << got.status.to_string();
  EXPECT_EQ(got.backend, GetParam()) << got.fallback;
  EXPECT_EQ(got.out, want.out);
}

TEST_P(BackendGatherNd, OutOfRangeTupleGivesZerosOnTheGpu) {
  const std::vector<int32_t> bad = {3, 2, 0, 0, -1, 1, 3, 7, 2, 0};  // tuples 2 and 3
  const Ran want = run("cpu", kTuples), got = run(GetParam(), bad);
  if (got.backend == "cpu") GTEST_SKIP() << got.fallback;
  ASSERT_TRUE(got.status.ok()) << got.status.to_string();
  ASSERT_EQ(got.out.size(), want.out.size());
  for (size_t i = 0; i < got.out.size(); ++i)
    EXPECT_EQ(got.out[i], i / 2 == 2 || i / 2 == 3 ? 0.0f : want.out[i]) << "element " << i;
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BackendGatherNd);
INSTANTIATE_TEST_SUITE_P(Gpu, BackendGatherNd, testing::ValuesIn(test::gpu_backends()),
                         [](const testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace odin
