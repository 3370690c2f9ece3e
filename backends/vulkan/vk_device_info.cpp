#include "backends/vulkan/vk_device_info.h"

#include <vulkan/vulkan.h>

#include <algorithm>
#include <cctype>

namespace odin::vk {
namespace {

bool usable(const DeviceInfo& d) {
  return d.has_compute_queue && d.api_version >= VK_API_VERSION_1_1;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string device_list(std::span<const DeviceInfo> devices) {
  std::string out;
  for (const DeviceInfo& d : devices)
    out += str_cat(out.empty() ? "" : ", ", d.index, ": ", d.name, " (", device_kind_name(d.kind),
                   usable(d) ? "" : ", unusable", ")");
  return out.empty() ? "none" : out;
}

}  // namespace

const char* device_kind_name(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::kDiscrete:
      return "discrete";
    case DeviceKind::kIntegrated:
      return "integrated";
    case DeviceKind::kVirtual:
      return "virtual";
    case DeviceKind::kCpu:
      return "cpu";
    case DeviceKind::kOther:
      break;
  }
  return "other";
}

std::string api_version_string(uint32_t v) {
  return str_cat(VK_API_VERSION_MAJOR(v), ".", VK_API_VERSION_MINOR(v), ".",
                 VK_API_VERSION_PATCH(v));
}

std::string driver_version_string(uint32_t vendor_id, uint32_t v) {
  if (vendor_id == 0x10DE)  // NVIDIA
    return str_cat(v >> 22, ".", (v >> 14) & 0xFF, ".", (v >> 6) & 0xFF, ".", v & 0x3F);
  return str_cat(VK_API_VERSION_MAJOR(v), ".", VK_API_VERSION_MINOR(v), ".",
                 VK_API_VERSION_PATCH(v));
}

Result<size_t> select_device(std::span<const DeviceInfo> devices, std::string_view choice) {
  if (devices.empty()) return make_error(StatusCode::kUnsupported, "no Vulkan device");
  if (!choice.empty()) {
    const bool is_index = std::all_of(choice.begin(), choice.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
    for (size_t i = 0; i < devices.size(); ++i) {
      const bool match = is_index ? std::to_string(devices[i].index) == choice
                                  : lower(devices[i].name).find(lower(choice)) != std::string::npos;
      if (!match) continue;
      if (!usable(devices[i]))
        return make_error(StatusCode::kUnsupported, "ODIN_VULKAN_DEVICE=", choice, " picks ",
                          devices[i].name, ", which has no compute queue or is below Vulkan 1.1");
      return i;
    }
    return make_error(StatusCode::kUnsupported, "ODIN_VULKAN_DEVICE=", choice,
                      " matches no device (devices: ", device_list(devices), ")");
  }
  size_t best = devices.size();
  for (size_t i = 0; i < devices.size(); ++i) {
    if (!usable(devices[i])) continue;
    if (best == devices.size() || devices[i].kind < devices[best].kind) best = i;
  }
  if (best == devices.size())
    return make_error(StatusCode::kUnsupported,
                      "no usable Vulkan device (devices: ", device_list(devices), ")");
  return best;
}

}  // namespace odin::vk
