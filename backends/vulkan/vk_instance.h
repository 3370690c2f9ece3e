// A Vulkan instance and what it can see: the physical devices and their
// properties, read once. Owns the VkInstance.
#pragma once

#include <memory>
#include <vector>

#include "backends/vulkan/vk_device_info.h"
#include "backends/vulkan/vk_loader.h"

namespace odin::vk {

class Instance {
 public:
  // Fails (never crashes) without a loader, an ICD or any device.
  static Result<std::unique_ptr<Instance>> create();
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  const InstanceApi& api() const { return api_; }
  VkInstance handle() const { return instance_; }
  const std::vector<DeviceInfo>& devices() const { return infos_; }
  VkPhysicalDevice physical_device(size_t i) const { return physical_[i]; }
  // Whether device i offers `extension`.
  bool has_extension(size_t i, const char* extension) const;

 private:
  Instance() = default;
  DeviceInfo describe(uint32_t index, VkPhysicalDevice pd);

  InstanceApi api_;
  VkInstance instance_ = VK_NULL_HANDLE;
  std::vector<VkPhysicalDevice> physical_;
  std::vector<DeviceInfo> infos_;
  std::vector<std::vector<std::string>> extensions_;
};

}  // namespace odin::vk
