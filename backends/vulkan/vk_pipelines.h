// Compute pipelines, made once per (kernel, precision, specialization
// constants) and shared by every executable on the device. Every kernel uses
// descriptor set 0 with N storage buffers and one 128-byte push-constant
// block, so layouts depend only on N. Creation goes through a VkPipelineCache
// that is loaded from and saved to disk.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "backends/vulkan/vk_device_info.h"
#include "backends/vulkan/vk_loader.h"

namespace odin::vk {

// The push-constant block every kernel may use (the minimum all devices allow).
constexpr uint32_t kPushConstantBytes = 128;
// The specialization constant of the workgroup size (common.glsl).
constexpr uint32_t kGroupSizeConstantId = 100;

struct PipelineKey {
  std::string shader;
  bool fp16 = false;
  std::vector<int32_t> spec;  // constant_id 0, 1, ...
  uint32_t bindings = 0;
  uint32_t group = 0;  // workgroup size (kGroupSizeConstantId); 0: the shader's 64
  bool operator<(const PipelineKey& o) const {
    return std::tie(shader, fp16, spec, bindings, group) <
           std::tie(o.shader, o.fp16, o.spec, o.bindings, o.group);
  }
};

struct Pipeline {
  VkPipeline pipeline = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
};

class PipelineRegistry {
 public:
  PipelineRegistry(const DeviceApi& api, VkDevice device, const DeviceInfo& info);
  ~PipelineRegistry();
  PipelineRegistry(const PipelineRegistry&) = delete;
  PipelineRegistry& operator=(const PipelineRegistry&) = delete;

  // Thread-safe; the returned pipeline lives as long as the registry.
  Result<const Pipeline*> get(const PipelineKey& key);
  // Writes the pipeline cache to disk if pipelines were made since the last save.
  Status save();
  int pipelines_created() const { return created_; }

 private:
  Result<VkShaderModule> module(const std::string& shader, bool fp16);
  Result<std::pair<VkDescriptorSetLayout, VkPipelineLayout>> layouts(uint32_t bindings);

  const DeviceApi& api_;
  VkDevice device_;
  DeviceInfo info_;
  std::string cache_path_;
  VkPipelineCache cache_ = VK_NULL_HANDLE;
  std::mutex mu_;
  std::map<std::pair<std::string, bool>, VkShaderModule> modules_;
  std::map<uint32_t, std::pair<VkDescriptorSetLayout, VkPipelineLayout>> layouts_;
  std::map<PipelineKey, std::unique_ptr<Pipeline>> pipelines_;
  int created_ = 0;
  bool dirty_ = false;
};

}  // namespace odin::vk
