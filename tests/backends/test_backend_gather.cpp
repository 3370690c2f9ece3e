// GATHER on a middle axis with run-time int32 indices (the one-op goldens
// have constant ones: ref_run only feeds float inputs), from a run-time or
// a constant table, on every GPU backend: equal to the reference, and an
// index outside the axis gives zeros there (the CPU reports it), never a
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

const std::vector<float> kParams = test::splitmix_values(24, 7, -1.0f, 1.0f);

// params [3, 4, 2] (an input, or a constant when `table`) gathered on axis 1
// by run-time int32 indices [5]: y [3, 5, 2].
Ran run(const std::string& backend, const std::vector<int32_t>& ids, bool table) {
  test::GraphMaker m;
  const ValueId params = table ? m.constant_f32("params", Shape({3, 4, 2}), kParams)
                               : m.input("params", Shape({3, 4, 2}));
  const ValueId idx = m.input("idx", Shape({5}), DType::kI32);
  const Graph g = m.finish({m.node(OpType::kGather, {params, idx}, GatherAttrs{1, 0})});
  SessionOptions o;
  o.backends = {backend, "cpu"};
  o.optimize = backend != "cpu";  // the CPU alone: its reference kernel
  auto s = Session::create(g, o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  if (!s.ok()) return {};
  Session& session = **s;
  size_t i = 0;
  if (!table) {
    EXPECT_TRUE(session.set_input(i++, kParams.data(), kParams.size() * 4).ok());
  }
  EXPECT_TRUE(session.set_input(i, ids.data(), ids.size() * 4).ok());
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

const std::vector<int32_t> kIds = {3, 0, 2, 2, 1};

TEST(BackendGather, ReferenceOnAMiddleAxis) {
  const Ran r = run("cpu", kIds, false);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  ASSERT_EQ(r.out.size(), 30u);
  for (size_t o = 0; o < 3; ++o)  // y[o, t, k] = params[o, ids[t], k]
    for (size_t t = 0; t < 5; ++t)
      for (size_t k = 0; k < 2; ++k)
        EXPECT_EQ(r.out[(o * 5 + t) * 2 + k],
                  kParams[(o * 4 + static_cast<size_t>(kIds[t])) * 2 + k]);
  EXPECT_FALSE(run("cpu", {3, 0, 4, 2, 1}, false).status.ok());  // 4 >= 4 rows
}

class BackendGather : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Backend* b = find_backend(GetParam());
    ASSERT_NE(b, nullptr);
    if (!b->available()) GTEST_SKIP() << "skipped: no " << GetParam() << " device";
  }
};

TEST_P(BackendGather, RunTimeIndicesOnAMiddleAxis) {
  for (bool table : {false, true}) {
    const Ran want = run("cpu", kIds, table), got = run(GetParam(), kIds, table);
    ASSERT_TRUE(got.status.ok()) << got.status.to_string();
    EXPECT_EQ(got.backend, GetParam()) << got.fallback;
    EXPECT_EQ(got.out, want.out) << (table ? "constant table" : "run-time params");
  }
}

TEST_P(BackendGather, OutOfRangeIndexGivesZerosOnTheGpu) {
  const std::vector<int32_t> bad = {3, -1, 2, 4, 1};  // indices 1 and 3
  const Ran want = run("cpu", kIds, false), got = run(GetParam(), bad, false);
  ASSERT_EQ(got.backend, GetParam()) << got.fallback;
  ASSERT_TRUE(got.status.ok()) << got.status.to_string();
  ASSERT_EQ(got.out.size(), want.out.size());
  for (size_t i = 0; i < got.out.size(); ++i) {
    const size_t t = (i / 2) % 5;
    EXPECT_EQ(got.out[i], t == 1 || t == 3 ? 0.0f : want.out[i]) << "element " << i;
  }
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BackendGather);
INSTANTIATE_TEST_SUITE_P(Gpu, BackendGather, testing::ValuesIn(test::gpu_backends()),
                         [](const testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace odin
