// Buffers with their own memory: device-local ones for weights and the
// activation arena, host-visible persistently mapped ones for staging.
#pragma once

#include <cstdint>

#include "backends/vulkan/vk_context.h"

namespace odin::vk {

enum class MemoryUse : uint8_t {
  kDeviceLocal,  // weights and activations; not mapped
  kUpload,       // host writes, device reads: host-visible, coherent, mapped
  kReadback,     // device writes, host reads: host-visible, coherent, cached if possible
};

class Buffer {
 public:
  Buffer() = default;
  static Result<Buffer> create(const Context& ctx, VkDeviceSize bytes, VkBufferUsageFlags usage,
                               MemoryUse use);
  ~Buffer() { reset(); }
  Buffer(Buffer&& o) noexcept { *this = std::move(o); }
  Buffer& operator=(Buffer&& o) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  VkBuffer handle() const { return buffer_; }
  VkDeviceSize size() const { return size_; }
  uint8_t* mapped() const { return mapped_; }  // null unless host-visible

 private:
  void reset();
  const DeviceApi* api_ = nullptr;
  VkDevice device_ = VK_NULL_HANDLE;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
  uint8_t* mapped_ = nullptr;
};

}  // namespace odin::vk
