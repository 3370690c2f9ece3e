// The driver-bug table: matching by vendor, device id, name substring and
// driver version range (pure), and an injected entry that really turns off
// an op and fp16 on this machine's device.
#ifdef ODIN_HAVE_VULKAN  // the whole file: these need the backend built in
#include <gtest/gtest.h>

#include "backends/vulkan/vk_context.h"
#include "backends/vulkan/vk_driver_bugs.h"
#include "backends/vulkan/vk_executable.h"
#include "backends/vulkan/vulkan_backend.h"
#include "vk_test_util.h"

namespace odin::vk {
namespace {

DeviceInfo some_device() {
  DeviceInfo d;
  d.name = "Mali-G78 MC20";
  d.vendor_id = 0x13B5;
  d.device_id = 0x9093;
  d.driver_version = 100;
  return d;
}

TEST(VulkanDriverBugs, MatchesOnEveryKey) {
  const DeviceInfo d = some_device();
  DriverBugEntry e;
  EXPECT_TRUE(driver_bug_matches(e, d));  // all wildcards
  e.vendor_id = 0x13B5;
  EXPECT_TRUE(driver_bug_matches(e, d));
  e.device_id = 0x9094;
  EXPECT_FALSE(driver_bug_matches(e, d));
  e.device_id = 0x9093;
  e.name_contains = "Mali-G78";
  EXPECT_TRUE(driver_bug_matches(e, d));
  e.name_contains = "Adreno";
  EXPECT_FALSE(driver_bug_matches(e, d));
  e.name_contains.clear();
  e.driver_version_min = 100;
  e.driver_version_max = 100;
  EXPECT_TRUE(driver_bug_matches(e, d));
  e.driver_version_min = 101;
  e.driver_version_max = 200;
  EXPECT_FALSE(driver_bug_matches(e, d));
  e.driver_version_min = 0;
  e.driver_version_max = 99;
  EXPECT_FALSE(driver_bug_matches(e, d));
  e.driver_version_max = UINT32_MAX;
  e.vendor_id = 0x5143;  // Qualcomm
  EXPECT_FALSE(driver_bug_matches(e, d));
}

TEST(VulkanDriverBugs, CollectsOpsAndFp16) {
  DriverBugEntry op;
  op.vendor_id = 0x13B5;
  op.op = OpType::kDepthwiseConv2D;
  op.reason = "wrong 5x5 results";
  DriverBugEntry fp16 = op;
  fp16.workaround = Workaround::kDisableFp16;
  fp16.reason = "fp16 denormals flushed";
  DriverBugEntry other = op;
  other.vendor_id = 0x1002;
  other.op = OpType::kConv2D;
  const std::vector<DriverBugEntry> table = {op, fp16, other};
  const DeviceWorkarounds w = collect_workarounds(some_device(), table);
  EXPECT_TRUE(w.fp16_disabled);
  EXPECT_EQ(w.fp16_reason, "fp16 denormals flushed");
  ASSERT_NE(w.op_disabled(OpType::kDepthwiseConv2D), nullptr);
  EXPECT_EQ(*w.op_disabled(OpType::kDepthwiseConv2D), "wrong 5x5 results");
  EXPECT_EQ(w.op_disabled(OpType::kConv2D), nullptr);
}

TEST(VulkanDriverBugs, BuiltinTableIsWellFormed) {
  for (const DriverBugEntry& e : builtin_driver_bugs()) {
    EXPECT_FALSE(e.reason.empty());
    EXPECT_LE(e.driver_version_min, e.driver_version_max);
    if (e.workaround == Workaround::kDisableOp) {
      EXPECT_NE(e.op, OpType::kCount);
    }
  }
}

// x -> CONV_2D(1x1) -> y
Graph conv_graph() {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 4, 4, 8}));
  const ValueId w = m.constant_f32("w", Shape({8, 1, 1, 8}), std::vector<float>(64, 0.25f));
  const ValueId y = m.node(OpType::kConv2D, {x, w, kNoValue}, Conv2DAttrs{});
  return m.finish({y});
}

TEST(VulkanDriverBugs, InjectedEntryDisablesAnOpOnThisDevice) {
  ODIN_REQUIRE_VULKAN();
  const DeviceInfo& d = backend_context(*find_backend("vulkan"))->info();
  const Graph g = conv_graph();

  ContextOptions options;
  DriverBugEntry e;
  e.vendor_id = d.vendor_id;
  e.name_contains = d.name.substr(0, 4);
  e.driver_version_min = d.driver_version;
  e.driver_version_max = d.driver_version;
  e.op = OpType::kConv2D;
  e.reason = "test: injected entry";
  options.extra_driver_bugs = {e};
  auto backend = make_vulkan_backend(options);
  ASSERT_TRUE(backend->available()) << backend->unavailable_reason();
  const Support s = backend->supports(g, g.node(0));
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.why_not, "vulkan: CONV_2D disabled on this driver (test: injected entry)");
  EXPECT_FALSE(backend->compile(g, std::vector<NodeId>{0}, {}).ok());

  // The same entry for another driver version does not apply.
  options.extra_driver_bugs[0].driver_version_min = d.driver_version + 1;
  options.extra_driver_bugs[0].driver_version_max = UINT32_MAX;
  auto other = make_vulkan_backend(options);
  ASSERT_TRUE(other->available());
  EXPECT_TRUE(other->supports(g, g.node(0)).ok);
}

TEST(VulkanDriverBugs, InjectedEntryDisablesFp16) {
  ODIN_REQUIRE_VULKAN();
  const DeviceInfo& d = backend_context(*find_backend("vulkan"))->info();
  ContextOptions options;
  DriverBugEntry e;
  e.vendor_id = d.vendor_id;
  e.workaround = Workaround::kDisableFp16;
  e.reason = "test: no fp16";
  options.extra_driver_bugs = {e};
  auto backend = make_vulkan_backend(options);
  ASSERT_TRUE(backend->available());
  Context* ctx = backend_context(*backend);
  EXPECT_FALSE(ctx->fp16_enabled());
  const Graph g = conv_graph();
  CompileOptions co;
  co.allow_reduced_precision = true;
  auto exe = backend->compile(g, std::vector<NodeId>{0}, co);
  ASSERT_TRUE(exe.ok()) << exe.status().to_string();
  EXPECT_FALSE(dynamic_cast<VulkanExecutable&>(**exe).stats().fp16);
}

}  // namespace
}  // namespace odin::vk

#endif  // ODIN_HAVE_VULKAN
