#include "backends/vulkan/vk_buffer.h"

#include <utility>

namespace odin::vk {
namespace {

// The first memory type allowed by `type_bits` that has all `required` flags,
// preferring one that also has `preferred`.
int pick_memory_type(const VkPhysicalDeviceMemoryProperties& mem, uint32_t type_bits,
                     VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) {
  int fallback = -1;
  for (uint32_t i = 0; i < mem.memoryTypeCount; ++i) {
    if (!(type_bits & (1u << i))) continue;
    const VkMemoryPropertyFlags f = mem.memoryTypes[i].propertyFlags;
    if ((f & required) != required) continue;
    if ((f & preferred) == preferred) return static_cast<int>(i);
    if (fallback < 0) fallback = static_cast<int>(i);
  }
  return fallback;
}

}  // namespace

Buffer& Buffer::operator=(Buffer&& o) noexcept {
  if (this != &o) {
    reset();
    api_ = o.api_;
    device_ = o.device_;
    buffer_ = std::exchange(o.buffer_, VK_NULL_HANDLE);
    memory_ = std::exchange(o.memory_, VK_NULL_HANDLE);
    size_ = std::exchange(o.size_, 0);
    mapped_ = std::exchange(o.mapped_, nullptr);
  }
  return *this;
}

void Buffer::reset() {
  if (!api_) return;
  if (buffer_ != VK_NULL_HANDLE) api_->vkDestroyBuffer(device_, buffer_, nullptr);
  if (mapped_) api_->vkUnmapMemory(device_, memory_);
  if (memory_ != VK_NULL_HANDLE) api_->vkFreeMemory(device_, memory_, nullptr);
  buffer_ = VK_NULL_HANDLE;
  memory_ = VK_NULL_HANDLE;
  mapped_ = nullptr;
  size_ = 0;
}

Result<Buffer> Buffer::create(const Context& ctx, VkDeviceSize bytes, VkBufferUsageFlags usage,
                              MemoryUse use) {
  const DeviceApi& api = ctx.api();
  Buffer b;
  b.api_ = &api;
  b.device_ = ctx.device();
  b.size_ = bytes;
  auto bci = make_info<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
  bci.size = bytes;
  bci.usage = usage;
  bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  ODIN_VK_CHECK(api.vkCreateBuffer(b.device_, &bci, nullptr, &b.buffer_), "vkCreateBuffer");
  VkMemoryRequirements req{};
  api.vkGetBufferMemoryRequirements(b.device_, b.buffer_, &req);

  VkMemoryPropertyFlags required = 0, preferred = 0;
  switch (use) {
    case MemoryUse::kDeviceLocal:
      preferred = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
      break;
    case MemoryUse::kUpload:
      required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
      break;
    case MemoryUse::kReadback:
      required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
      preferred = VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
      break;
  }
  const int type =
      pick_memory_type(ctx.memory_properties(), req.memoryTypeBits, required, required | preferred);
  if (type < 0)
    return make_error(StatusCode::kUnsupported, "vulkan: no suitable memory type for a ", bytes,
                      "-byte buffer");
  auto ai = make_info<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
  ai.allocationSize = req.size;
  ai.memoryTypeIndex = static_cast<uint32_t>(type);
  ODIN_VK_CHECK(api.vkAllocateMemory(b.device_, &ai, nullptr, &b.memory_),
                str_cat("vkAllocateMemory (", bytes, " bytes)"));
  ODIN_VK_CHECK(api.vkBindBufferMemory(b.device_, b.buffer_, b.memory_, 0), "vkBindBufferMemory");
  if (use != MemoryUse::kDeviceLocal) {
    void* p = nullptr;
    ODIN_VK_CHECK(api.vkMapMemory(b.device_, b.memory_, 0, VK_WHOLE_SIZE, 0, &p), "vkMapMemory");
    b.mapped_ = static_cast<uint8_t*>(p);
  }
  return b;
}

}  // namespace odin::vk
