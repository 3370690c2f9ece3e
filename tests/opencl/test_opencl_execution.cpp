// The OpenCL executable: one wait per segment run, the same kernels on new
// inputs every run, per-node fallback to the CPU with the reason, start()
// and finish() (the session overlapping host segments with queued work),
// and the reasons it declines nodes. Skipped (with the reason) without a
// platform.
#ifdef ODIN_HAVE_OPENCL  // the whole file: these need the backend built in
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "cl_test_util.h"
#include "graph_builder.h"
#include "quant/fp16.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

TEST(OpenCLExecution, OneWaitPerRunAndNewInputsEveryRun) {
  ODIN_REQUIRE_OPENCL();
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 6, 6, 3}));
  const ValueId w = m.constant_f32("w", Shape({4, 3, 3, 3}), test::splitmix_values(108, 11, -1, 1));
  const ValueId bias = m.constant_f32("b", Shape({4}), {0.1f, -0.2f, 0.3f, 0.0f});
  Conv2DAttrs ca;
  ca.padding = Padding::kSame;
  ca.activation = Activation::kRelu6;
  const ValueId c = m.node(OpType::kConv2D, {x, w, bias}, ca);
  const ValueId y = m.node(OpType::kLogistic, {c}, {});
  const Graph g = m.finish({y});
  SessionOptions cpu_opts, cl_opts;
  cpu_opts.backends = {"cpu"};
  cpu_opts.optimize = false;
  cl_opts.backends = {"opencl"};
  auto cpu = Session::create(g, cpu_opts);
  auto gpu = Session::create(g, cl_opts);
  ASSERT_TRUE(cpu.ok() && gpu.ok());
  for (uint64_t seed : {1, 2, 3}) {
    const std::vector<float> in = test::splitmix_values(108, seed, -1, 1);
    ASSERT_TRUE((*cpu)->set_input(0, in.data(), in.size() * 4).ok());
    ASSERT_TRUE((*gpu)->set_input(0, in.data(), in.size() * 4).ok());
    ASSERT_TRUE((*cpu)->run().ok());
    ASSERT_TRUE((*gpu)->run().ok());
    EXPECT_EQ((*gpu)->run_stats().submits, 1);
    EXPECT_EQ((*gpu)->run_stats().dispatches, 2);
    const ConstTensorView want = (*cpu)->output(0), got = (*gpu)->output(0);
    EXPECT_LE(test::rel_range(want.as<float>(), got.as<float>(),
                              static_cast<size_t>(want.num_elements())),
              1e-5);
  }
}

// x -> ADD(bias) relu -> RMS_NORM -> MUL(self) -> RESHAPE -> y: RMS_NORM on the CPU.
TEST(OpenCLExecution, UnsupportedOpRunsOnCpuBetweenOpenCLSegments) {
  ODIN_REQUIRE_OPENCL();
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 4, 4, 8}));
  const ValueId bias = m.constant_f32("bias", Shape({8}), test::splitmix_values(8, 3, -1, 1));
  const ValueId a = m.node(OpType::kAdd, {x, bias}, BinaryAttrs{Activation::kRelu, {}});
  const ValueId gamma = m.constant_f32("gamma", Shape({8}), test::splitmix_values(8, 4, -1, 1));
  const ValueId norm = m.node(OpType::kRmsNorm, {a, gamma}, RmsNormAttrs{1e-5f});
  const ValueId sq = m.node(OpType::kMul, {norm, norm}, BinaryAttrs{});
  const ValueId shape = m.constant_i32("shape", Shape({2}), {16, 8});
  const ValueId y = m.node(OpType::kReshape, {sq, shape}, ReshapeAttrs{});
  const Graph g = m.finish({y});
  SessionOptions cpu_opts, cl_opts;
  cpu_opts.backends = {"cpu"};
  cl_opts.backends = {"opencl", "cpu"};
  auto cpu = Session::create(g, cpu_opts);
  auto gpu = Session::create(g, cl_opts);
  ASSERT_TRUE(cpu.ok() && gpu.ok());
  Session& s = **gpu;
  EXPECT_EQ(s.node_backend(0), "opencl");
  EXPECT_EQ(s.node_backend(1), "cpu");
  EXPECT_EQ(s.node_fallback(1), "opencl: RMS_NORM not supported");
  EXPECT_EQ(s.node_backend(2), "opencl");
  const std::vector<float> in = test::splitmix_values(128, 5, -1, 1);
  ASSERT_TRUE((*cpu)->set_input(0, in.data(), in.size() * 4).ok());
  ASSERT_TRUE(s.set_input(0, in.data(), in.size() * 4).ok());
  ASSERT_TRUE((*cpu)->run().ok());
  ASSERT_TRUE(s.run().ok());
  EXPECT_EQ(s.run_stats().submits, 2);  // one per OpenCL segment
  const ConstTensorView want = (*cpu)->output(0), got = s.output(0);
  ASSERT_EQ(want.num_elements(), got.num_elements());
  EXPECT_LE(
      test::rel_range(want.as<float>(), got.as<float>(), static_cast<size_t>(want.num_elements())),
      1e-5);
}

// x -> a = ADD(x, c) on OpenCL, b = MUL(x, x) placed on the CPU, y = SUB(a,
// b) on OpenCL: the session starts a's segment, runs b's on the host while
// it is queued, and finishes it before y's segment reads a. The same
// numbers as the CPU, plain and profiled (run(), per-launch events), and
// with fp16 storage (Session::precision says which ran).
TEST(OpenCLExecution, OverlapsTheHostSegmentsThatDoNotReadIt) {
  ODIN_REQUIRE_OPENCL();
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 8, 8, 16}));
  const ValueId c = m.constant_f32("c", Shape({16}), test::splitmix_values(16, 4, -1, 1));
  const ValueId a = m.node(OpType::kAdd, {x, c}, BinaryAttrs{Activation::kRelu, {}});
  const ValueId b = m.node(OpType::kMul, {x, x}, BinaryAttrs{});
  const ValueId y = m.node(OpType::kSub, {a, b}, BinaryAttrs{});
  Graph g = m.finish({y});
  g.mutable_nodes()[1].placement = "cpu";
  SessionOptions cpu_opts, cl_opts, profiled_opts, fp16_opts;
  cpu_opts.backends = {"cpu"};
  cl_opts.backends = {"opencl", "cpu"};
  profiled_opts = cl_opts;
  profiled_opts.profile = true;
  fp16_opts = cl_opts;
  fp16_opts.allow_reduced_precision = true;
  const std::vector<float> in = test::splitmix_values(1024, 6, -1, 1);
  std::vector<std::vector<float>> outs;
  for (const SessionOptions* o : {&cpu_opts, &cl_opts, &profiled_opts, &fp16_opts}) {
    auto s = Session::create(g, *o);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    EXPECT_EQ((*s)->precision(), o == &fp16_opts ? "fp16+fp32" : "fp32");
    if (o != &cpu_opts) {
      EXPECT_EQ((*s)->node_backend(0), "opencl");
      EXPECT_EQ((*s)->node_backend(1), "cpu");
      EXPECT_EQ((*s)->node_backend(2), "opencl");
    }
    for (int run = 0; run < 2; ++run) {
      ASSERT_TRUE((*s)->set_input(0, in.data(), in.size() * 4).ok());
      ASSERT_TRUE((*s)->run().ok());
    }
    if (o != &cpu_opts) {
      EXPECT_EQ((*s)->run_stats().submits, 2);
    }
    const ConstTensorView out = (*s)->output(0);
    outs.emplace_back(out.as<float>(), out.as<float>() + out.num_elements());
  }
  for (size_t i = 1; i < outs.size(); ++i)
    EXPECT_LE(test::rel_range(outs[0].data(), outs[i].data(), outs[0].size()), i == 3 ? 1e-2 : 1e-6)
        << i;
}

// Host memory of a graph's values, for driving an executable directly.
class VectorBindings final : public HostBindings {
 public:
  explicit VectorBindings(const Graph& g) : g_(g) {}
  std::vector<float>& at(ValueId v) {
    std::vector<float>& m = memory_[v];
    m.resize(static_cast<size_t>(g_.value(v).shape.num_elements()));
    return m;
  }
  ConstTensorView input(ValueId v) const override {
    return {DType::kF32, g_.value(v).shape, memory_.at(v).data()};
  }
  TensorView output(ValueId v) override { return {DType::kF32, g_.value(v).shape, at(v).data()}; }

 private:
  const Graph& g_;
  std::map<ValueId, std::vector<float>> memory_;
};

// start() has read the inputs when it returns (the session may reuse their
// memory while the work is queued); finish() writes the outputs; a second
// start() before finish() is refused. In fp32, and with reduced precision
// (binary16 storage: every output is a binary16 value, within its rounding
// of the exact one).
class OpenCLStartFinish : public testing::TestWithParam<bool> {};

TEST_P(OpenCLStartFinish, StartReadsTheInputsAndFinishWritesTheOutputs) {
  ODIN_REQUIRE_OPENCL();
  const bool fp16 = GetParam();
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 16, 16, 8}));
  const ValueId y = m.node(OpType::kLogistic, {x}, {});
  const Graph g = m.finish({y});
  const std::vector<NodeId> segment = {0};
  CompileOptions co;
  co.allow_reduced_precision = fp16;
  auto exe = find_backend("opencl")->compile(g, segment, co);
  ASSERT_TRUE(exe.ok()) << exe.status().to_string();
  EXPECT_EQ((*exe)->reduced_precision(), fp16);
  VectorBindings io(g);
  const std::vector<float> in = test::splitmix_values(2048, 8, -4, 4);
  RunStats stats;
  for (int run = 0; run < 2; ++run) {
    io.at(x) = in;
    std::fill(io.at(y).begin(), io.at(y).end(), -1.0f);
    ASSERT_TRUE((*exe)->start(io, stats).ok());
    EXPECT_FALSE((*exe)->start(io, stats).ok());
    std::fill(io.at(x).begin(), io.at(x).end(), 1e4f);  // reused while queued
    ASSERT_TRUE((*exe)->finish(io).ok());
    const std::vector<float>& out = io.at(y);
    // fp16: the input's rounding (<= 2^-10 here) through a slope <= 1/4,
    // then the output's (<= 2^-12).
    const float tol = fp16 ? 6e-4f : 1e-6f;
    for (size_t i = 0; i < in.size(); ++i) {
      ASSERT_NEAR(out[i], 1.0f / (1.0f + std::exp(-in[i])), tol) << i;
      if (fp16) {
        ASSERT_EQ(fp16_to_fp32(fp32_to_fp16(out[i])), out[i]) << i;
      }
    }
  }
  EXPECT_TRUE((*exe)->finish(io).ok());  // nothing in flight: nothing to do
  EXPECT_EQ(stats.submits, 2);
}

INSTANTIATE_TEST_SUITE_P(Precision, OpenCLStartFinish, testing::Bool(),
                         [](const testing::TestParamInfo<bool>& i) {
                           return std::string(i.param ? "fp16" : "fp32");
                         });

TEST(OpenCLExecution, DeclinesWithSpecificReasons) {
  ODIN_REQUIRE_OPENCL();
  Backend* cl = find_backend("opencl");
  test::GraphMaker m;
  const ValueId xi = m.input("xi", Shape({2, 3}), DType::kI32);
  const ValueId ci = m.constant_i32("ci", Shape({3}), {1, 2, 3});
  m.node(OpType::kAdd, {xi, ci}, BinaryAttrs{}, DType::kI32);
  const ValueId x = m.input("x", Shape({1, 4, 4, 2}));
  const ValueId w = m.input("w", Shape({2, 1, 1, 2}));  // run-time weights
  m.node(OpType::kConv2D, {x, w, kNoValue}, Conv2DAttrs{});
  const ValueId x6 = m.input("x6", Shape({1, 1, 1, 1, 2, 3}));
  m.node(OpType::kAdd, {x6, x6}, BinaryAttrs{});
  const ValueId c1 = m.constant_f32("c1", Shape({2}), {1, 2});
  m.node(OpType::kAdd, {c1, c1}, BinaryAttrs{});  // left unfolded (folding off)
  const Graph g = m.finish({});
  EXPECT_EQ(cl->supports(g, g.node(0)).why_not,
            "opencl: ADD on int32 tensors not supported (float32, int8 or uint8 only)");
  EXPECT_EQ(cl->supports(g, g.node(1)).why_not,
            "opencl: CONV_2D with run-time (non-constant) weights not supported");
  EXPECT_EQ(cl->supports(g, g.node(2)).why_not, "opencl: ADD of rank over 4 not supported");
  EXPECT_EQ(cl->supports(g, g.node(3)).why_not,
            "opencl: ADD of constants only not supported (constant folding computes those)");
}

// The data ops' limits: PAD of rank 6, GATHER_ND with index depth 6; a
// rank-7 TRANSPOSE runs (the strided copy takes any rank), as does a rank-5
// PAD, GATHER_ND with run-time int32 indices (in the int32 buffer), and
// GATHER on any axis but not with batch_dims.
TEST(OpenCLExecution, DeclinesDataOpsPastTheirLimits) {
  ODIN_REQUIRE_OPENCL();
  Backend* cl = find_backend("opencl");
  test::GraphMaker m;
  const ValueId x6 = m.input("x6", Shape({2, 1, 1, 1, 2, 3}));
  m.node(OpType::kPad, {x6, m.constant_i32("pads", Shape({6, 2}), std::vector<int32_t>(12, 1))});
  m.node(OpType::kGatherNd, {x6, m.input("t", Shape({2, 2}), DType::kI32)});
  m.node(OpType::kGatherNd, {x6, m.constant_i32("t6", Shape({1, 6}), {1, 0, 0, 0, 1, 2})});
  const ValueId x7 = m.input("x7", Shape({2, 3, 2, 3, 2, 3, 2}));
  m.node(OpType::kTranspose, {x7, m.constant_i32("p7", Shape({7}), {6, 5, 4, 3, 2, 1, 0})});
  const ValueId x5 = m.input("x5", Shape({2, 3, 2, 3, 2}));
  m.node(OpType::kPad, {x5, m.constant_i32("pads5", Shape({5, 2}), std::vector<int32_t>(10, 1))});
  const ValueId ids = m.input("ids", Shape({2, 3}), DType::kI32);
  m.node(OpType::kGather, {x7, ids}, GatherAttrs{2, 0});
  m.node(OpType::kGather, {x7, ids}, GatherAttrs{2, 1});
  const Graph g = m.finish({});
  EXPECT_EQ(cl->supports(g, g.node(0)).why_not, "opencl: PAD of rank over 5 not supported");
  EXPECT_TRUE(cl->supports(g, g.node(1)).ok) << cl->supports(g, g.node(1)).why_not;
  EXPECT_EQ(cl->supports(g, g.node(2)).why_not,
            "opencl: GATHER_ND with index depth 6 not supported (1 to 5)");
  EXPECT_TRUE(cl->supports(g, g.node(3)).ok);
  EXPECT_TRUE(cl->supports(g, g.node(4)).ok);
  EXPECT_TRUE(cl->supports(g, g.node(5)).ok) << cl->supports(g, g.node(5)).why_not;
  EXPECT_EQ(cl->supports(g, g.node(6)).why_not,
            "opencl: GATHER with batch_dims not supported (0 only)");
}

}  // namespace
}  // namespace odin

#endif  // ODIN_HAVE_OPENCL
