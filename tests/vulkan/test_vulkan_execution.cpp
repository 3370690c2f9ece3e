// How a Vulkan segment executes: barriers only between dependent dispatches,
// one submit per run, RESHAPE free, folded constants and PADs (graph passes)
// costing no dispatch, the recorded command buffer replayed correctly, fp16
// when allowed.
#ifdef ODIN_HAVE_VULKAN  // the whole file: these need the backend built in
#include <gtest/gtest.h>

#include "backends/vulkan/vk_context.h"
#include "backends/vulkan/vk_executable.h"
#include "backends/vulkan/vulkan_backend.h"
#include "passes/passes.h"
#include "runtime/session.h"
#include "test_util.h"
#include "vk_test_util.h"

namespace odin {
namespace {

std::unique_ptr<Executable> compile_all(const Graph& g, bool fp16 = false) {
  std::vector<NodeId> nodes;
  for (size_t n = 0; n < g.num_nodes(); ++n) nodes.push_back(static_cast<NodeId>(n));
  CompileOptions co;
  co.allow_reduced_precision = fp16;
  auto exe = find_backend("vulkan")->compile(g, nodes, co);
  EXPECT_TRUE(exe.ok()) << exe.status().to_string();
  return exe.ok() ? std::move(exe).value() : nullptr;
}

// The graph after the passes a session runs (constant and PAD folding).
Graph passed(Graph g) {
  const Status s = run_passes(g, PassOptions{});
  EXPECT_TRUE(s.ok()) << s.to_string();
  return g;
}

using test::count_op;

const vk::ExecutableStats& stats_of(const std::unique_ptr<Executable>& exe) {
  return dynamic_cast<const vk::VulkanExecutable&>(*exe).stats();
}

TEST(VulkanExecution, IndependentDispatchesShareOneBarrier) {
  ODIN_REQUIRE_VULKAN();
  // Two branches from x (RELU, TANH) joined by ADD, against a chain of three.
  test::GraphMaker branches;
  ValueId x = branches.input("x", Shape({1, 4, 4, 4}));
  const ValueId a = branches.node(OpType::kRelu, {x});
  const ValueId b = branches.node(OpType::kTanh, {x});
  const Graph branched = branches.finish({branches.node(OpType::kAdd, {a, b}, BinaryAttrs{})});
  test::GraphMaker chain;
  x = chain.input("x", Shape({1, 4, 4, 4}));
  const ValueId c = chain.node(OpType::kRelu, {x});
  const ValueId d = chain.node(OpType::kTanh, {c});
  const Graph chained = chain.finish({chain.node(OpType::kAdd, {d, d}, BinaryAttrs{})});

  auto e1 = compile_all(branched);
  auto e2 = compile_all(chained);
  ASSERT_TRUE(e1 && e2);
  EXPECT_EQ(stats_of(e1).dispatches, 3);
  EXPECT_EQ(stats_of(e2).dispatches, 3);
  // chain: copy-in | relu | tanh | add | copy-out, then host: 5 barriers;
  // branches: relu and tanh run together with no barrier between them.
  EXPECT_EQ(stats_of(e2).barriers, 5);
  EXPECT_EQ(stats_of(e1).barriers, 4);
}

TEST(VulkanExecution, OneSubmitPerRunAndReplaysCorrectly) {
  ODIN_REQUIRE_VULKAN();
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 6, 6, 3}));
  const ValueId w = m.constant_f32("w", Shape({4, 3, 3, 3}), test::splitmix_values(108, 11, -1, 1));
  const ValueId bias = m.constant_f32("b", Shape({4}), {0.1f, -0.2f, 0.3f, 0.0f});
  Conv2DAttrs ca;
  ca.padding = Padding::kSame;
  ca.activation = Activation::kRelu6;
  const ValueId y = m.node(OpType::kConv2D, {x, w, bias}, ca);
  const Graph g = m.finish({y});

  SessionOptions cpu_opts, vk_opts;
  cpu_opts.backends = {"cpu"};
  cpu_opts.optimize = false;
  vk_opts.backends = {"vulkan"};
  auto cpu = Session::create(g, cpu_opts);
  auto gpu = Session::create(g, vk_opts);
  ASSERT_TRUE(cpu.ok() && gpu.ok());
  for (uint64_t seed : {1, 2, 3}) {  // the same command buffer, new inputs each run
    const std::vector<float> in = test::splitmix_values(108, seed, -1, 1);
    ASSERT_TRUE((*cpu)->set_input(0, in.data(), in.size() * 4).ok());
    ASSERT_TRUE((*gpu)->set_input(0, in.data(), in.size() * 4).ok());
    ASSERT_TRUE((*cpu)->run().ok());
    ASSERT_TRUE((*gpu)->run().ok());
    EXPECT_EQ((*gpu)->run_stats().submits, 1);
    EXPECT_EQ((*gpu)->run_stats().dispatches, 1);
    const ConstTensorView want = (*cpu)->output(0), got = (*gpu)->output(0);
    EXPECT_LE(test::rel_range(want.as<float>(), got.as<float>(),
                              static_cast<size_t>(want.num_elements())),
              1e-5);
  }
}

TEST(VulkanExecution, FoldedConstantsAndReshapeCostNoDispatch) {
  ODIN_REQUIRE_VULKAN();
  // DEQUANTIZE(fp16 weights) -> DEPTHWISE_CONV_2D -> RESHAPE -> LOGISTIC
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 5, 5, 4}));
  const ValueId w16 =
      m.constant_f16("w16", Shape({1, 3, 3, 4}), test::splitmix_values(36, 4, -1, 1));
  const ValueId w = m.node(OpType::kDequantize, {w16});
  DepthwiseConv2DAttrs da;
  da.padding = Padding::kSame;
  const ValueId c = m.node(OpType::kDepthwiseConv2D, {x, w, kNoValue}, da);
  const ValueId shape = m.constant_i32("shape", Shape({2}), {25, 4});
  const ValueId r = m.node(OpType::kReshape, {c, shape}, ReshapeAttrs{});
  const Graph g = m.finish({m.node(OpType::kLogistic, {r})});
  const Graph folded = passed(g);
  EXPECT_EQ(count_op(folded, OpType::kDequantize), 0u);
  auto exe = compile_all(folded);
  ASSERT_TRUE(exe);
  EXPECT_EQ(stats_of(exe).aliased_nodes, 1);
  EXPECT_EQ(stats_of(exe).dispatches, 2);  // depthwise, logistic
  const test::RunResult want = test::run_graph(g, {"cpu"});
  const test::RunResult got = test::run_graph(g, {"vulkan"});
  ASSERT_EQ(got.outputs.size(), 1u);
  EXPECT_LE(test::rel_range(want.outputs[0].data(), got.outputs[0].data(), want.outputs[0].size()),
            1e-5);
  for (const std::string& b : got.node_backend) EXPECT_EQ(b, "vulkan");
}

TEST(VulkanExecution, ReducedPrecisionUsesFp16WhenTheDeviceHasIt) {
  ODIN_REQUIRE_VULKAN();
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({2, 3, 4}));
  const ValueId y = m.node(OpType::kSoftmax, {x}, SoftmaxAttrs{1.0f});
  const Graph g = m.finish({y});
  auto exe = compile_all(g, /*fp16=*/true);
  ASSERT_TRUE(exe);
  const bool device_fp16 = vk::backend_context(*find_backend("vulkan"))->fp16_enabled();
  EXPECT_EQ(stats_of(exe).fp16, device_fp16);
  const test::RunResult want = test::run_graph(g, {"cpu"});
  const test::RunResult got = test::run_graph(g, {"vulkan"}, /*fp16=*/true);
  EXPECT_LE(test::rel_range(want.outputs[0].data(), got.outputs[0].data(), want.outputs[0].size()),
            1e-2);
}

}  // namespace
}  // namespace odin

namespace odin {
namespace {

TEST(VulkanExecution, FoldedZeroPadsCostNoDispatch) {
  ODIN_REQUIRE_VULKAN();
  // PAD(H,W) -> DEPTHWISE_CONV_2D (VALID, stride 2), as BlazeFace's sparse
  // variant does; PAD(C) -> ADD, as its residual blocks do.
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 6, 6, 4}));
  const ValueId hw = m.constant_i32("hw", Shape({4, 2}), {0, 0, 1, 2, 0, 1, 0, 0});
  const ValueId xp = m.node(OpType::kPad, {x, hw});
  DepthwiseConv2DAttrs da;
  da.stride_h = da.stride_w = 2;
  const ValueId w = m.constant_f32("w", Shape({1, 3, 3, 4}), test::splitmix_values(36, 9, -1, 1));
  const ValueId dw = m.node(OpType::kDepthwiseConv2D, {xp, w, kNoValue}, da);  // [1,4,3,4]
  const ValueId ch = m.constant_i32("ch", Shape({4, 2}), {0, 0, 0, 0, 0, 0, 1, 3});
  const ValueId dwp = m.node(OpType::kPad, {dw, ch});  // [1,4,3,8]
  const ValueId z = m.input("z", Shape({1, 4, 3, 8}));
  const ValueId y = m.node(OpType::kAdd, {z, dwp}, BinaryAttrs{Activation::kRelu, {}});
  const Graph g = m.finish({y});
  const Graph folded = passed(g);
  EXPECT_EQ(count_op(folded, OpType::kPad), 0u);
  auto exe = compile_all(folded);
  ASSERT_TRUE(exe);
  EXPECT_EQ(stats_of(exe).dispatches, 2);  // depthwise, add
  for (bool fp16 : {false, true}) {
    const test::RunResult want = test::run_graph(g, {"cpu"});
    const test::RunResult got = test::run_graph(g, {"vulkan"}, fp16, /*optimize=*/true);
    for (const std::string& b : got.node_backend) EXPECT_EQ(b, "vulkan");
    ASSERT_EQ(got.outputs.size(), 1u);
    EXPECT_LE(
        test::rel_range(want.outputs[0].data(), got.outputs[0].data(), want.outputs[0].size()),
        fp16 ? 1e-2 : 1e-6);
  }
}

TEST(VulkanExecution, PadThatIsAGraphOutputStays) {
  ODIN_REQUIRE_VULKAN();
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 3, 3, 2}));
  const ValueId hw = m.constant_i32("hw", Shape({4, 2}), {0, 0, 1, 1, 1, 1, 0, 0});
  const ValueId xp = m.node(OpType::kPad, {x, hw});
  const ValueId w = m.constant_f32("w", Shape({1, 3, 3, 2}), test::splitmix_values(18, 2, -1, 1));
  const ValueId dw = m.node(OpType::kDepthwiseConv2D, {xp, w, kNoValue}, DepthwiseConv2DAttrs{});
  const Graph g = m.finish({dw, xp});  // the padded tensor is also an output
  const Graph folded = passed(g);
  EXPECT_EQ(count_op(folded, OpType::kPad), 1u);
  auto exe = compile_all(folded);
  ASSERT_TRUE(exe);
  EXPECT_EQ(stats_of(exe).dispatches, 2);  // pad, depthwise
  const test::RunResult want = test::run_graph(g, {"cpu"});
  const test::RunResult got = test::run_graph(g, {"vulkan"}, false, /*optimize=*/true);
  ASSERT_EQ(got.outputs.size(), 2u);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_LE(
        test::rel_range(want.outputs[i].data(), got.outputs[i].data(), want.outputs[i].size()),
        1e-6);
}

}  // namespace
}  // namespace odin

#endif  // ODIN_HAVE_VULKAN
