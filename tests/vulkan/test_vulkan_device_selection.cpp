// Device selection: kind preference (discrete > integrated > virtual > CPU)
// and the ODIN_VULKAN_DEVICE override by index or name, first as pure rules
// (no device needed), then on this machine's devices.
#ifdef ODIN_HAVE_VULKAN  // the whole file: these need the backend built in
#include <gtest/gtest.h>

#include "backends/vulkan/vk_context.h"
#include "backends/vulkan/vk_device_info.h"
#include "backends/vulkan/vulkan_backend.h"
#include "vk_test_util.h"

namespace odin::vk {
namespace {

DeviceInfo device(uint32_t index, const char* name, DeviceKind kind) {
  DeviceInfo d;
  d.index = index;
  d.name = name;
  d.kind = kind;
  d.has_compute_queue = true;
  d.api_version = VK_API_VERSION_1_3;
  return d;
}

TEST(VulkanDeviceSelection, PrefersDiscreteThenIntegratedThenVirtualThenCpu) {
  std::vector<DeviceInfo> devices = {device(0, "llvmpipe", DeviceKind::kCpu),
                                     device(1, "virgl", DeviceKind::kVirtual),
                                     device(2, "Intel UHD", DeviceKind::kIntegrated),
                                     device(3, "NVIDIA H100", DeviceKind::kDiscrete)};
  EXPECT_EQ(select_device(devices, "").value(), 3u);
  devices.pop_back();
  EXPECT_EQ(select_device(devices, "").value(), 2u);
  devices.pop_back();
  EXPECT_EQ(select_device(devices, "").value(), 1u);
  devices.pop_back();
  EXPECT_EQ(select_device(devices, "").value(), 0u);
}

TEST(VulkanDeviceSelection, TiesGoToTheLowestIndex) {
  const std::vector<DeviceInfo> devices = {device(0, "GPU A", DeviceKind::kDiscrete),
                                           device(1, "GPU B", DeviceKind::kDiscrete)};
  EXPECT_EQ(select_device(devices, "").value(), 0u);
}

TEST(VulkanDeviceSelection, OverrideByIndexOrCaseInsensitiveName) {
  const std::vector<DeviceInfo> devices = {device(0, "NVIDIA H200", DeviceKind::kDiscrete),
                                           device(1, "llvmpipe (LLVM 15)", DeviceKind::kCpu)};
  EXPECT_EQ(select_device(devices, "1").value(), 1u);
  EXPECT_EQ(select_device(devices, "0").value(), 0u);
  EXPECT_EQ(select_device(devices, "LLVMPIPE").value(), 1u);
  EXPECT_EQ(select_device(devices, "h200").value(), 0u);
}

TEST(VulkanDeviceSelection, UnmatchedOverrideIsAnErrorListingDevices) {
  const std::vector<DeviceInfo> devices = {device(0, "llvmpipe", DeviceKind::kCpu)};
  for (const char* choice : {"7", "radeon"}) {
    auto r = select_device(devices, choice);
    ASSERT_FALSE(r.ok()) << choice;
    EXPECT_NE(r.status().message().find("matches no device"), std::string::npos);
    EXPECT_NE(r.status().message().find("0: llvmpipe (cpu)"), std::string::npos)
        << r.status().message();
  }
}

TEST(VulkanDeviceSelection, NeverPicksDevicesWithoutComputeOrBelowVulkan11) {
  std::vector<DeviceInfo> devices = {device(0, "old GPU", DeviceKind::kDiscrete),
                                     device(1, "no compute", DeviceKind::kIntegrated),
                                     device(2, "llvmpipe", DeviceKind::kCpu)};
  devices[0].api_version = VK_API_VERSION_1_0;
  devices[1].has_compute_queue = false;
  EXPECT_EQ(select_device(devices, "").value(), 2u);
  EXPECT_FALSE(select_device(devices, "0").ok());  // explicit, but unusable
  devices.pop_back();
  EXPECT_FALSE(select_device(devices, "").ok());
  EXPECT_FALSE(select_device({}, "").ok());
}

TEST(VulkanDeviceSelection, VersionStrings) {
  EXPECT_EQ(api_version_string(VK_MAKE_API_VERSION(0, 1, 3, 230)), "1.3.230");
  // NVIDIA packs 10.8.8.6 bits: 580.159.4.0
  EXPECT_EQ(driver_version_string(0x10DE, (580u << 22) | (159u << 14) | (4u << 6)), "580.159.4.0");
  EXPECT_EQ(driver_version_string(0x10005, VK_MAKE_API_VERSION(0, 0, 0, 1)), "0.0.1");
}

TEST(VulkanDeviceSelection, ExplicitIndexOnThisMachine) {
  ODIN_REQUIRE_VULKAN();
  ContextOptions options;
  options.device_choice = "0";
  auto ctx = Context::create(options);
  ASSERT_TRUE(ctx.ok()) << ctx.status().to_string();
  EXPECT_EQ((*ctx)->info().index, 0u);
  EXPECT_FALSE((*ctx)->info().name.empty());
}

TEST(VulkanDeviceSelection, UnknownDeviceNameMakesTheBackendUnavailableWithAReason) {
  ODIN_REQUIRE_VULKAN();
  ContextOptions options;
  options.device_choice = "no-such-gpu-anywhere";
  auto backend = make_vulkan_backend(options);
  EXPECT_FALSE(backend->available());
  EXPECT_NE(backend->unavailable_reason().find("matches no device"), std::string::npos)
      << backend->unavailable_reason();
  // The reason is one line.
  EXPECT_EQ(backend->unavailable_reason().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace odin::vk

#endif  // ODIN_HAVE_VULKAN
