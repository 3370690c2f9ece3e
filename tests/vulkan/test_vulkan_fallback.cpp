// Per-node fallback: a model with an op Vulkan lacks runs across Vulkan and
// the CPU, matches the CPU-only result and says why; the scheduler keeps
// constant producers with their consumers.
#ifdef ODIN_HAVE_VULKAN  // the whole file: these need the backend built in
#include <gtest/gtest.h>

#include "runtime/scheduler.h"
#include "runtime/session.h"
#include "test_util.h"
#include "vk_test_util.h"

namespace odin {
namespace {

// x -> ADD(bias) relu -> GATHER(channels 5,0,2; batch_dims 1, which Vulkan
// lacks) -> MUL(self) -> RESHAPE -> y
Graph model_with_gather() {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 4, 4, 8}));
  const ValueId bias = m.constant_f32("bias", Shape({8}), test::splitmix_values(8, 3, -1, 1));
  const ValueId a = m.node(OpType::kAdd, {x, bias}, BinaryAttrs{Activation::kRelu, {}});
  const ValueId idx = m.constant_i32("idx", Shape({1, 3}), {5, 0, 2});
  const ValueId g = m.node(OpType::kGather, {a, idx}, GatherAttrs{3, 1});
  const ValueId sq = m.node(OpType::kMul, {g, g}, BinaryAttrs{});
  const ValueId shape = m.constant_i32("shape", Shape({2}), {16, 3});
  ReshapeAttrs r;
  const ValueId y = m.node(OpType::kReshape, {sq, shape}, r);
  return m.finish({y});
}

TEST(VulkanFallback, UnsupportedOpRunsOnCpuBetweenVulkanSegments) {
  ODIN_REQUIRE_VULKAN();
  const Graph g = model_with_gather();
  const test::RunResult want = test::run_graph(g, {"cpu"});
  const test::RunResult got = test::run_graph(g, {"vulkan", "cpu"});
  ASSERT_EQ(got.node_backend.size(), 4u);
  EXPECT_EQ(got.node_backend[0], "vulkan");
  EXPECT_EQ(got.node_backend[1], "cpu");
  EXPECT_EQ(got.node_fallback[1], "vulkan: GATHER with batch_dims not supported (0 only)");
  EXPECT_EQ(got.node_backend[2], "vulkan");
  EXPECT_EQ(got.node_backend[3], "vulkan");
  EXPECT_EQ(got.segments, 3u);
  EXPECT_EQ(got.stats.submits, 2);  // one per Vulkan segment
  ASSERT_EQ(want.outputs.size(), 1u);
  ASSERT_EQ(got.outputs.size(), 1u);
  EXPECT_LE(test::rel_range(want.outputs[0].data(), got.outputs[0].data(), want.outputs[0].size()),
            1e-6);
}

TEST(VulkanFallback, DeclinesUnsupportedVariantsWithSpecificReasons) {
  ODIN_REQUIRE_VULKAN();
  Backend* vk = find_backend("vulkan");
  test::GraphMaker m;
  const ValueId xi = m.input("xi", Shape({2, 3}), DType::kI32);
  const ValueId ci = m.constant_i32("ci", Shape({3}), {1, 2, 3});
  m.node(OpType::kAdd, {xi, ci}, BinaryAttrs{}, DType::kI32);
  const ValueId x = m.input("x", Shape({1, 4, 4, 2}));
  const ValueId w = m.input("w", Shape({2, 1, 1, 2}));  // run-time weights
  m.node(OpType::kConv2D, {x, w, kNoValue}, Conv2DAttrs{});
  const ValueId x6 = m.input("x6", Shape({1, 1, 1, 1, 2, 3}));
  m.node(OpType::kAdd, {x6, x6}, BinaryAttrs{});
  const ValueId q = m.input("q", Shape({4}), DType::kF16);
  m.node(OpType::kDequantize, {q}, {});
  const ValueId c1 = m.constant_f32("c1", Shape({2}), {1, 2});
  m.node(OpType::kAdd, {c1, c1}, BinaryAttrs{});  // left unfolded (folding off)
  const Graph g = m.finish({});
  EXPECT_EQ(vk->supports(g, g.node(0)).why_not,
            "vulkan: ADD on int32 tensors not supported (float32, int8 or uint8 only)");
  EXPECT_EQ(vk->supports(g, g.node(1)).why_not,
            "vulkan: CONV_2D with run-time (non-constant) weights not supported");
  EXPECT_EQ(vk->supports(g, g.node(2)).why_not, "vulkan: ADD of rank 6 not supported (max 4)");
  EXPECT_EQ(vk->supports(g, g.node(3)).why_not, "vulkan: DEQUANTIZE not supported");
  EXPECT_EQ(vk->supports(g, g.node(4)).why_not,
            "vulkan: ADD of constants only not supported (constant folding computes those)");
}

// The data ops' limits: TRANSPOSE reading 7 axes that do not merge, PAD of
// rank 6, GATHER_ND with index depth 6; their rank-5 forms run.
TEST(VulkanFallback, DeclinesDataOpsPastTheirLimits) {
  ODIN_REQUIRE_VULKAN();
  Backend* vk = find_backend("vulkan");
  test::GraphMaker m;
  const ValueId x7 = m.input("x7", Shape({2, 3, 2, 3, 2, 3, 2}));
  m.node(OpType::kTranspose, {x7, m.constant_i32("p7", Shape({7}), {6, 5, 4, 3, 2, 1, 0})});
  const ValueId x6 = m.input("x6", Shape({2, 1, 1, 1, 2, 3}));
  m.node(OpType::kPad, {x6, m.constant_i32("pads", Shape({6, 2}), std::vector<int32_t>(12, 1))});
  m.node(OpType::kGatherNd, {x6, m.constant_i32("t6", Shape({1, 6}), {1, 0, 0, 0, 1, 2})});
  const ValueId x5 = m.input("x5", Shape({2, 3, 2, 3, 2}));
  m.node(OpType::kTranspose, {x5, m.constant_i32("p5", Shape({5}), {4, 3, 2, 1, 0})});
  m.node(OpType::kPad, {x5, m.constant_i32("pads5", Shape({5, 2}), std::vector<int32_t>(10, 1))});
  const Graph g = m.finish({});
  EXPECT_EQ(vk->supports(g, g.node(0)).why_not,
            "vulkan: TRANSPOSE reading 7 axes not supported (max 6 once contiguous axes merge)");
  EXPECT_EQ(vk->supports(g, g.node(1)).why_not, "vulkan: PAD of rank 6 not supported (max 5)");
  EXPECT_EQ(vk->supports(g, g.node(2)).why_not,
            "vulkan: GATHER_ND with index depth 6 not supported (1 to 5)");
  EXPECT_TRUE(vk->supports(g, g.node(3)).ok);
  EXPECT_TRUE(vk->supports(g, g.node(4)).ok);
}

TEST(VulkanFallback, DeclinesInt8VariantsWithSpecificReasons) {
  ODIN_REQUIRE_VULKAN();
  Backend* vk = find_backend("vulkan");
  Graph g;
  const auto q8 = [&](Shape shape) {
    const ValueId v = test::add_value(g, std::move(shape), DType::kI8);
    g.value(v).quant = QuantParams{{0.1f}, {3}, 0};
    return v;
  };
  const ValueId x = q8(Shape({1, 4, 8}));
  g.inputs().push_back(x);
  test::add_node(g, OpType::kConcatenation, ConcatenationAttrs{2, Activation::kNone},
                 std::vector<ValueId>(7, x), {q8(Shape())});
  // 1 x 1 x 40000 products per output could overflow an int32 sum.
  const ValueId xc = q8(Shape({1, 1, 1, 40000}));
  g.inputs().push_back(xc);
  const ValueId w = test::add_const_bytes(g, "w", Shape({1, 1, 1, 40000}), DType::kI8,
                                          std::vector<uint8_t>(40000, 1));
  g.value(w).quant = QuantParams{{0.01f}, {0}, 0};
  test::add_node(g, OpType::kConv2D, Conv2DAttrs{}, {xc, w, kNoValue}, {q8(Shape())});
  g.outputs() = {g.node(0).outputs[0], g.node(1).outputs[0]};
  ASSERT_TRUE(infer_graph(g).ok());
  EXPECT_EQ(vk->supports(g, g.node(0)).why_not,
            "vulkan: CONCATENATION on int8/uint8 of 7 inputs not supported (max 6)");
  EXPECT_EQ(vk->supports(g, g.node(1)).why_not,
            "vulkan: CONV_2D with 40000 products per output (int32 sums could overflow) not "
            "supported");
}

TEST(VulkanFallback, WeightsComputedAtRunTimeKeepTheirReaderOnTheCpu) {
  ODIN_REQUIRE_VULKAN();
  // With constant folding off, DEQUANTIZE(weights) runs per inference on the
  // CPU, so the conv reading it has run-time weights and stays there too;
  // with folding on (the default) the conv runs on Vulkan.
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 4, 4, 3}));
  const ValueId w16 =
      m.constant_f16("w16", Shape({2, 1, 1, 3}), test::splitmix_values(6, 5, -1, 1));
  const ValueId w = m.node(OpType::kDequantize, {w16}, {});
  const Graph g = m.finish({m.node(OpType::kConv2D, {x, w, kNoValue}, Conv2DAttrs{})});
  for (bool fold : {false, true}) {
    SessionOptions o;
    o.backends = {"vulkan", "cpu"};
    o.fold_constants = fold;
    auto s = Session::create(g, o);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    const Graph& run = (*s)->graph();
    EXPECT_EQ(run.num_nodes(), fold ? 1u : 2u);
    EXPECT_EQ((*s)->node_backend(run.num_nodes() - 1), fold ? "vulkan" : "cpu");
    if (!fold) {
      EXPECT_EQ((*s)->node_fallback(1),
                "vulkan: CONV_2D with run-time (non-constant) weights not supported");
    }
  }
}

TEST(VulkanFallback, StrandedSmallNodeStaysOnTheGpu) {
  ODIN_REQUIRE_VULKAN();
  // RELU -> RESHAPE -> RELU: the RESHAPE between two GPU nodes stays there.
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 2, 2, 4}));
  const ValueId a = m.node(OpType::kRelu, {x});
  const ValueId shape = m.constant_i32("shape", Shape({2}), {4, 4});
  const ValueId b = m.node(OpType::kReshape, {a, shape}, ReshapeAttrs{});
  const ValueId y = m.node(OpType::kTanh, {b});
  const Graph g = m.finish({y});
  const std::vector<std::string> pref = {"vulkan", "cpu"};
  auto sched = schedule_graph(g, pref);
  ASSERT_TRUE(sched.ok());
  EXPECT_EQ(sched->segments.size(), 1u);
  EXPECT_EQ(sched->node_backend[1]->name(), "vulkan");
}

}  // namespace
}  // namespace odin

#endif  // ODIN_HAVE_VULKAN
