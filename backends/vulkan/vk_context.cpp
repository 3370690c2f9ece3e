#include "backends/vulkan/vk_context.h"

#include <algorithm>
#include <cstdlib>

#include "backends/vulkan/vk_pipelines.h"
#include "backends/vulkan/vk_shaders.h"
#include "core/cache_file.h"

namespace odin::vk {

Result<std::unique_ptr<Context>> Context::create(const ContextOptions& options) {
  std::unique_ptr<Context> ctx(new Context());
  ODIN_ASSIGN_OR_RETURN(ctx->instance_, Instance::create());
  std::string choice = options.device_choice;
  if (choice.empty())
    if (const char* env = std::getenv("ODIN_VULKAN_DEVICE")) choice = env;
  ODIN_ASSIGN_OR_RETURN(ctx->device_index_, select_device(ctx->instance_->devices(), choice));
  ctx->info_ = ctx->instance_->devices()[ctx->device_index_];
  if (options.max_storage_buffer_range != 0)
    ctx->info_.max_storage_buffer_range =
        std::min(ctx->info_.max_storage_buffer_range, options.max_storage_buffer_range);
  if (options.max_shared_memory != 0)
    ctx->info_.max_shared_memory =
        std::min(ctx->info_.max_shared_memory, options.max_shared_memory);
  if (options.max_workgroup_invocations != 0)
    ctx->info_.max_workgroup_invocations =
        std::min(ctx->info_.max_workgroup_invocations, options.max_workgroup_invocations);
  ODIN_RETURN_IF_ERROR(ctx->create_device(options));
  return ctx;
}

Status Context::create_device(const ContextOptions& options) {
  const InstanceApi& iapi = instance_->api();
  const VkPhysicalDevice pd = instance_->physical_device(device_index_);
  const DeviceInfo& d = info();

  std::vector<DriverBugEntry> table(builtin_driver_bugs().begin(), builtin_driver_bugs().end());
  table.insert(table.end(), options.extra_driver_bugs.begin(), options.extra_driver_bugs.end());
  workarounds_ = collect_workarounds(d, table);

  uint32_t n_q = 0;
  iapi.vkGetPhysicalDeviceQueueFamilyProperties(pd, &n_q, nullptr);
  std::vector<VkQueueFamilyProperties> families(n_q);
  iapi.vkGetPhysicalDeviceQueueFamilyProperties(pd, &n_q, families.data());
  // A compute-only family first (it may run beside graphics), else any with compute.
  int chosen = -1;
  for (uint32_t i = 0; i < n_q; ++i) {
    if (!(families[i].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
    if (chosen < 0 || !(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT))
      chosen = static_cast<int>(i);
  }
  if (chosen < 0) return make_error(StatusCode::kUnsupported, d.name, " has no compute queue");
  queue_family_ = static_cast<uint32_t>(chosen);
  timestamp_bits_ = d.timestamp_period_ns > 0 ? families[queue_family_].timestampValidBits : 0;

  fp16_enabled_ = d.fp16 && !workarounds_.fp16_disabled;
  auto storage16 = make_info<VkPhysicalDevice16BitStorageFeatures>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES);
  auto f16 = make_info<VkPhysicalDeviceShaderFloat16Int8Features>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES);
  std::vector<const char*> extensions;
  void* features = nullptr;
  if (fp16_enabled_) {
    storage16.storageBuffer16BitAccess = VK_TRUE;
    f16.shaderFloat16 = VK_TRUE;
    storage16.pNext = &f16;
    features = &storage16;
    if (d.api_version < VK_API_VERSION_1_2)
      extensions.push_back(VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);
  }

  const float priority = 1.0f;
  auto qci = make_info<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
  qci.queueFamilyIndex = queue_family_;
  qci.queueCount = 1;
  qci.pQueuePriorities = &priority;
  auto dci = make_info<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO);
  dci.pNext = features;
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &qci;
  dci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  dci.ppEnabledExtensionNames = extensions.data();
  const VkResult r = iapi.vkCreateDevice(pd, &dci, nullptr, &device_);
  if (r != VK_SUCCESS)
    return make_error(StatusCode::kUnsupported, "cannot create a Vulkan device on ", d.name, ": ",
                      vk_result_name(r));
  ODIN_RETURN_IF_ERROR(load_device_functions(iapi, device_, api_));
  api_.vkGetDeviceQueue(device_, queue_family_, 0, &queue_);
  iapi.vkGetPhysicalDeviceMemoryProperties(pd, &memory_);
  pipelines_ = std::make_unique<PipelineRegistry>(api_, device_, d);
  return Status();
}

uint64_t Context::tuning_key() const {
  const DeviceInfo& d = info();
  uint64_t h = kFnv1aBasis;
  // NUL-separated, so "ab"+"c" and "a"+"bc" differ.
  for (const std::string& s : {d.name, d.driver_name, d.driver_info})
    h = fnv1a(s.c_str(), s.size() + 1, h);
  for (uint32_t v : {d.vendor_id, d.device_id, d.driver_version}) h = fnv1a(&v, sizeof(v), h);
  h = fnv1a(d.pipeline_cache_uuid.data(), d.pipeline_cache_uuid.size(), h);
  for (const EmbeddedShader& s : embedded_shaders())
    h = fnv1a(s.words, s.word_count * sizeof(uint32_t), h);
  return h;
}

Context::~Context() {
  if (device_ != VK_NULL_HANDLE) {
    api_.vkDeviceWaitIdle(device_);
    if (pipelines_) (void)pipelines_->save();  // best effort at shutdown
    pipelines_.reset();
    api_.vkDestroyDevice(device_, nullptr);
  }
}

Status Context::submit_and_wait(VkCommandBuffer cb, VkFence fence) {
  ODIN_RETURN_IF_ERROR(submit(cb, fence));
  return wait(fence);
}

Status Context::submit(VkCommandBuffer cb, VkFence fence) {
  auto si = make_info<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cb;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    ODIN_VK_CHECK(api_.vkResetFences(device_, 1, &fence), "vkResetFences");
    ODIN_VK_CHECK(api_.vkQueueSubmit(queue_, 1, &si, fence), "vkQueueSubmit");
  }
  return Status();
}

Status Context::wait(VkFence fence) {
  ODIN_VK_CHECK(api_.vkWaitForFences(device_, 1, &fence, VK_TRUE, UINT64_MAX), "vkWaitForFences");
  return Status();
}

}  // namespace odin::vk
