#include "backends/vulkan/vk_instance.h"

#include <algorithm>
#include <cstring>

namespace odin::vk {
namespace {

DeviceKind kind_of(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return DeviceKind::kDiscrete;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return DeviceKind::kIntegrated;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return DeviceKind::kVirtual;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return DeviceKind::kCpu;
    default:
      return DeviceKind::kOther;
  }
}

}  // namespace

Result<std::unique_ptr<Instance>> Instance::create() {
  ODIN_ASSIGN_OR_RETURN(const InstanceApi* global, load_vulkan_loader());
  std::unique_ptr<Instance> inst(new Instance());
  inst->api_ = *global;
  uint32_t loader_version = VK_API_VERSION_1_0;
  inst->api_.vkEnumerateInstanceVersion(&loader_version);
  if (loader_version < VK_API_VERSION_1_1)
    return make_error(StatusCode::kUnsupported, "the Vulkan loader is version ",
                      api_version_string(loader_version), "; odin needs 1.1");

  // Portability enumeration lets MoltenVK-style drivers show up; harmless elsewhere.
  uint32_t n_ext = 0;
  inst->api_.vkEnumerateInstanceExtensionProperties(nullptr, &n_ext, nullptr);
  std::vector<VkExtensionProperties> exts(n_ext);
  inst->api_.vkEnumerateInstanceExtensionProperties(nullptr, &n_ext, exts.data());
  std::vector<const char*> enabled;
  for (const VkExtensionProperties& e : exts)
    if (std::strcmp(e.extensionName, VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME) == 0)
      enabled.push_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);

  auto app = make_info<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
  app.pApplicationName = "odin";
  app.pEngineName = "odin";
  app.apiVersion = std::min<uint32_t>(loader_version, VK_API_VERSION_1_3);
  auto ci = make_info<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
  ci.pApplicationInfo = &app;
  ci.enabledExtensionCount = static_cast<uint32_t>(enabled.size());
  ci.ppEnabledExtensionNames = enabled.data();
  if (!enabled.empty()) ci.flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
  const VkResult r = inst->api_.vkCreateInstance(&ci, nullptr, &inst->instance_);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER)
    return make_error(StatusCode::kUnsupported, "no Vulkan driver (the loader found no ICD)");
  if (r != VK_SUCCESS)
    return make_error(StatusCode::kUnsupported, "vkCreateInstance failed: ", vk_result_name(r));
  ODIN_RETURN_IF_ERROR(load_instance_functions(inst->instance_, inst->api_));

  uint32_t n = 0;
  inst->api_.vkEnumeratePhysicalDevices(inst->instance_, &n, nullptr);
  inst->physical_.resize(n);
  if (n) inst->api_.vkEnumeratePhysicalDevices(inst->instance_, &n, inst->physical_.data());
  inst->physical_.resize(n);
  if (n == 0)
    return make_error(StatusCode::kUnsupported, "no Vulkan device (the driver reports none)");
  for (uint32_t i = 0; i < n; ++i) inst->infos_.push_back(inst->describe(i, inst->physical_[i]));
  return inst;
}

Instance::~Instance() {
  if (instance_ != VK_NULL_HANDLE && api_.vkDestroyInstance)
    api_.vkDestroyInstance(instance_, nullptr);
}

bool Instance::has_extension(size_t i, const char* extension) const {
  return std::find(extensions_[i].begin(), extensions_[i].end(), extension) != extensions_[i].end();
}

DeviceInfo Instance::describe(uint32_t index, VkPhysicalDevice pd) {
  uint32_t n_ext = 0;
  api_.vkEnumerateDeviceExtensionProperties(pd, nullptr, &n_ext, nullptr);
  std::vector<VkExtensionProperties> exts(n_ext);
  api_.vkEnumerateDeviceExtensionProperties(pd, nullptr, &n_ext, exts.data());
  std::vector<std::string>& names = extensions_.emplace_back();
  for (uint32_t e = 0; e < n_ext; ++e) names.emplace_back(exts[e].extensionName);
  auto has = [&](const char* ext) {
    return std::find(names.begin(), names.end(), ext) != names.end();
  };

  VkPhysicalDeviceProperties base{};
  api_.vkGetPhysicalDeviceProperties(pd, &base);
  const bool v12 = base.apiVersion >= VK_API_VERSION_1_2;

  // Chain only the structs the device knows (1.2 core or its extension).
  auto subgroup = make_info<VkPhysicalDeviceSubgroupProperties>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES);
  auto driver = make_info<VkPhysicalDeviceDriverProperties>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES);
  auto props =
      make_info<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2);
  props.pNext = &subgroup;
  if (v12 || has(VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME)) subgroup.pNext = &driver;
  api_.vkGetPhysicalDeviceProperties2(pd, &props);

  auto storage16 = make_info<VkPhysicalDevice16BitStorageFeatures>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES);
  auto storage8 = make_info<VkPhysicalDevice8BitStorageFeatures>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES);
  auto f16i8 = make_info<VkPhysicalDeviceShaderFloat16Int8Features>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES);
  auto features =
      make_info<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
  features.pNext = &storage16;
  void** tail = &storage16.pNext;
  if (v12 || has(VK_KHR_8BIT_STORAGE_EXTENSION_NAME)) {
    *tail = &storage8;
    tail = &storage8.pNext;
  }
  if (v12 || has(VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME)) *tail = &f16i8;
  api_.vkGetPhysicalDeviceFeatures2(pd, &features);

  DeviceInfo d;
  d.index = index;
  d.name = base.deviceName;
  d.kind = kind_of(base.deviceType);
  d.vendor_id = base.vendorID;
  d.device_id = base.deviceID;
  d.driver_version = base.driverVersion;
  d.api_version = base.apiVersion;
  d.driver_name = driver.driverName;
  d.driver_info = driver.driverInfo;
  std::copy(std::begin(base.pipelineCacheUUID), std::end(base.pipelineCacheUUID),
            d.pipeline_cache_uuid.begin());
  d.fp16 = f16i8.shaderFloat16 && storage16.storageBuffer16BitAccess;
  d.int8 = f16i8.shaderInt8 && storage8.storageBuffer8BitAccess;
  d.subgroup_size = subgroup.subgroupSize;
  d.subgroup_arithmetic = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) != 0 &&
                          (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT) != 0;
  const VkPhysicalDeviceLimits& lim = base.limits;
  d.max_workgroup_invocations = lim.maxComputeWorkGroupInvocations;
  d.max_shared_memory = lim.maxComputeSharedMemorySize;
  for (int i = 0; i < 3; ++i) d.max_workgroup_count[i] = lim.maxComputeWorkGroupCount[i];
  d.max_storage_buffer_range = lim.maxStorageBufferRange;
  d.max_push_constants_size = lim.maxPushConstantsSize;
  d.min_storage_buffer_offset_alignment = lim.minStorageBufferOffsetAlignment;
  d.timestamp_period_ns = lim.timestampPeriod;

  VkPhysicalDeviceMemoryProperties mem{};
  api_.vkGetPhysicalDeviceMemoryProperties(pd, &mem);
  for (uint32_t h = 0; h < mem.memoryHeapCount; ++h)
    if (mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
      d.device_local_bytes = std::max<uint64_t>(d.device_local_bytes, mem.memoryHeaps[h].size);

  uint32_t n_q = 0;
  api_.vkGetPhysicalDeviceQueueFamilyProperties(pd, &n_q, nullptr);
  std::vector<VkQueueFamilyProperties> families(n_q);
  api_.vkGetPhysicalDeviceQueueFamilyProperties(pd, &n_q, families.data());
  for (const VkQueueFamilyProperties& f : families)
    if (f.queueFlags & VK_QUEUE_COMPUTE_BIT) d.has_compute_queue = true;
  return d;
}

}  // namespace odin::vk
