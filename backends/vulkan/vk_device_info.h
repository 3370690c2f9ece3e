// What odin knows about one Vulkan physical device, and the pure rules that
// pick one: kind preference (discrete > integrated > virtual > CPU), or the
// user's choice by index or name (ODIN_VULKAN_DEVICE). No Vulkan calls here,
// so the rules are testable without a device.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace odin::vk {

enum class DeviceKind : uint8_t { kDiscrete, kIntegrated, kVirtual, kCpu, kOther };

struct DeviceInfo {
  uint32_t index = 0;  // in vkEnumeratePhysicalDevices order
  std::string name;
  DeviceKind kind = DeviceKind::kOther;
  uint32_t vendor_id = 0, device_id = 0;
  uint32_t driver_version = 0;  // vendor-encoded
  uint32_t api_version = 0;
  std::string driver_name, driver_info;  // VkPhysicalDeviceDriverProperties (1.2+)
  std::array<uint8_t, 16> pipeline_cache_uuid{};
  bool has_compute_queue = false;
  bool fp16 = false;  // shaderFloat16 and storageBuffer16BitAccess
  bool int8 = false;  // shaderInt8 and storageBuffer8BitAccess
  uint32_t subgroup_size = 0;
  bool subgroup_arithmetic = false;  // subgroupAdd and the like in compute shaders
  uint32_t max_workgroup_invocations = 0;
  uint32_t max_shared_memory = 0;  // maxComputeSharedMemorySize, bytes a workgroup shares
  std::array<uint32_t, 3> max_workgroup_count{};
  uint32_t max_storage_buffer_range = 0;
  uint32_t max_push_constants_size = 0;
  uint64_t min_storage_buffer_offset_alignment = 0;
  uint64_t device_local_bytes = 0;
  float timestamp_period_ns = 0;
};

const char* device_kind_name(DeviceKind kind);
// "1.3.230"
std::string api_version_string(uint32_t version);
// The driver version in its vendor's encoding (NVIDIA 10.8.8.6 bits, Intel
// on Windows 18.14, others Vulkan-style major.minor.patch).
std::string driver_version_string(uint32_t vendor_id, uint32_t version);

// Index into `devices` of the device to use. `choice` (from ODIN_VULKAN_DEVICE)
// is empty for "best kind first, lowest index on ties", a decimal index, or a
// case-insensitive substring of the device name. Devices without a compute
// queue or below Vulkan 1.1 are never picked; an unmatched choice is an error
// that lists the devices.
Result<size_t> select_device(std::span<const DeviceInfo> devices, std::string_view choice);

}  // namespace odin::vk
