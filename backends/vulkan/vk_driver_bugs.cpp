#include "backends/vulkan/vk_driver_bugs.h"

namespace odin::vk {

std::span<const DriverBugEntry> builtin_driver_bugs() {
  // Add entries as bugs are found, each with a link or a test that shows it.
  static const std::vector<DriverBugEntry> table = {};
  return table;
}

bool driver_bug_matches(const DriverBugEntry& e, const DeviceInfo& d) {
  if (e.vendor_id != 0 && e.vendor_id != d.vendor_id) return false;
  if (e.device_id != 0 && e.device_id != d.device_id) return false;
  if (!e.name_contains.empty() && d.name.find(e.name_contains) == std::string::npos) return false;
  return d.driver_version >= e.driver_version_min && d.driver_version <= e.driver_version_max;
}

const std::string* DeviceWorkarounds::op_disabled(OpType op) const {
  for (const auto& [o, reason] : disabled_ops)
    if (o == op) return &reason;
  return nullptr;
}

DeviceWorkarounds collect_workarounds(const DeviceInfo& device,
                                      std::span<const DriverBugEntry> table) {
  DeviceWorkarounds w;
  for (const DriverBugEntry& e : table) {
    if (!driver_bug_matches(e, device)) continue;
    if (e.workaround == Workaround::kDisableFp16) {
      w.fp16_disabled = true;
      w.fp16_reason = e.reason;
    } else if (e.workaround == Workaround::kDisableSubgroups) {
      w.subgroups_disabled = true;
      w.subgroups_reason = e.reason;
    } else if (!w.op_disabled(e.op)) {
      w.disabled_ops.emplace_back(e.op, e.reason);
    }
  }
  return w;
}

}  // namespace odin::vk
