// The pipeline cache kept on disk between runs, so drivers skip recompiling
// shaders: ${XDG_CACHE_HOME:-$HOME/.cache}/odin/vulkan_pipeline_cache.bin
// (ODIN_VULKAN_PIPELINE_CACHE overrides the path; "off" disables it).
// Our header keys it on the device (vendor, device, driver version, cache
// UUID) and checksums the payload: another device's file or a corrupt one is
// ignored. Writes go to a temporary file renamed over the old one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "backends/vulkan/vk_device_info.h"

namespace odin::vk {

// "" when disabled or no home directory is known.
std::string pipeline_cache_path();

// The driver's cache blob, or empty when missing, corrupt or for another device.
std::vector<uint8_t> read_pipeline_cache(const std::string& path, const DeviceInfo& device);

Status write_pipeline_cache(const std::string& path, const DeviceInfo& device,
                            std::span<const uint8_t> blob);

}  // namespace odin::vk
