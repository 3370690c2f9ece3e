// Known driver bugs: each entry matches devices by vendor id, device id or a
// name substring and a driver version range, and turns off one feature or op
// on them, with the reason users see in fallback messages.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "backends/vulkan/vk_device_info.h"
#include "core/op_type.h"

namespace odin::vk {

enum class Workaround : uint8_t {
  kDisableFp16,       // run fp32 even when reduced precision is allowed
  kDisableOp,         // decline `op` (it falls back to the next backend)
  kDisableSubgroups,  // kernels without subgroup operations, even where the device has them
};

struct DriverBugEntry {
  uint32_t vendor_id = 0;           // 0: any vendor
  uint32_t device_id = 0;           // 0: any device
  std::string name_contains;        // "": any name (case-sensitive)
  uint32_t driver_version_min = 0;  // inclusive, vendor-encoded
  uint32_t driver_version_max = UINT32_MAX;
  Workaround workaround = Workaround::kDisableOp;
  OpType op = OpType::kCount;  // for kDisableOp
  std::string reason;          // "miscompiles 5x5 depthwise (Mesa issue 1234)"
};

// The built-in table (empty until a driver bug is found).
std::span<const DriverBugEntry> builtin_driver_bugs();

bool driver_bug_matches(const DriverBugEntry& entry, const DeviceInfo& device);

// What the matching entries turn off on one device.
struct DeviceWorkarounds {
  bool fp16_disabled = false;
  std::string fp16_reason;
  bool subgroups_disabled = false;
  std::string subgroups_reason;
  std::vector<std::pair<OpType, std::string>> disabled_ops;  // op, reason
  // The reason `op` is disabled, or nullptr.
  const std::string* op_disabled(OpType op) const;
};

DeviceWorkarounds collect_workarounds(const DeviceInfo& device,
                                      std::span<const DriverBugEntry> table);

}  // namespace odin::vk
