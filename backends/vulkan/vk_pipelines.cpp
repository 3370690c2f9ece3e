#include "backends/vulkan/vk_pipelines.h"

#include "backends/vulkan/vk_pipeline_cache_file.h"
#include "backends/vulkan/vk_shaders.h"

namespace odin::vk {

const EmbeddedShader* find_shader(std::string_view name, bool fp16) {
  for (const EmbeddedShader& s : embedded_shaders())
    if (name == s.name && (s.fp16 != 0) == fp16) return &s;
  return nullptr;
}

PipelineRegistry::PipelineRegistry(const DeviceApi& api, VkDevice device, const DeviceInfo& info)
    : api_(api), device_(device), info_(info), cache_path_(pipeline_cache_path()) {
  const std::vector<uint8_t> blob = read_pipeline_cache(cache_path_, info_);
  auto ci = make_info<VkPipelineCacheCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO);
  ci.initialDataSize = blob.size();
  ci.pInitialData = blob.empty() ? nullptr : blob.data();
  // A blob the driver rejects after all: start empty rather than fail.
  if (api_.vkCreatePipelineCache(device_, &ci, nullptr, &cache_) != VK_SUCCESS) {
    ci.initialDataSize = 0;
    ci.pInitialData = nullptr;
    if (api_.vkCreatePipelineCache(device_, &ci, nullptr, &cache_) != VK_SUCCESS)
      cache_ = VK_NULL_HANDLE;
  }
}

PipelineRegistry::~PipelineRegistry() {
  for (auto& [key, p] : pipelines_) api_.vkDestroyPipeline(device_, p->pipeline, nullptr);
  for (auto& [n, l] : layouts_) {
    api_.vkDestroyPipelineLayout(device_, l.second, nullptr);
    api_.vkDestroyDescriptorSetLayout(device_, l.first, nullptr);
  }
  for (auto& [key, m] : modules_) api_.vkDestroyShaderModule(device_, m, nullptr);
  if (cache_ != VK_NULL_HANDLE) api_.vkDestroyPipelineCache(device_, cache_, nullptr);
}

Result<VkShaderModule> PipelineRegistry::module(const std::string& shader, bool fp16) {
  auto it = modules_.find({shader, fp16});
  if (it != modules_.end()) return it->second;
  const EmbeddedShader* s = find_shader(shader, fp16);
  if (!s) return make_error(StatusCode::kInternal, "vulkan: no embedded kernel '", shader, "'");
  auto ci = make_info<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
  ci.codeSize = s->word_count * 4;
  ci.pCode = s->words;
  VkShaderModule m = VK_NULL_HANDLE;
  ODIN_VK_CHECK(api_.vkCreateShaderModule(device_, &ci, nullptr, &m),
                "vkCreateShaderModule " + shader);
  modules_[{shader, fp16}] = m;
  return m;
}

Result<std::pair<VkDescriptorSetLayout, VkPipelineLayout>> PipelineRegistry::layouts(
    uint32_t bindings) {
  auto it = layouts_.find(bindings);
  if (it != layouts_.end()) return it->second;
  std::vector<VkDescriptorSetLayoutBinding> b(bindings);
  for (uint32_t i = 0; i < bindings; ++i) {
    b[i].binding = i;
    b[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    b[i].descriptorCount = 1;
    b[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  auto sci = make_info<VkDescriptorSetLayoutCreateInfo>(
      VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
  sci.bindingCount = bindings;
  sci.pBindings = b.data();
  VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
  ODIN_VK_CHECK(api_.vkCreateDescriptorSetLayout(device_, &sci, nullptr, &set_layout),
                "vkCreateDescriptorSetLayout");
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, kPushConstantBytes};
  auto lci = make_info<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
  lci.setLayoutCount = 1;
  lci.pSetLayouts = &set_layout;
  lci.pushConstantRangeCount = 1;
  lci.pPushConstantRanges = &range;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  const VkResult r = api_.vkCreatePipelineLayout(device_, &lci, nullptr, &layout);
  if (r != VK_SUCCESS) {
    api_.vkDestroyDescriptorSetLayout(device_, set_layout, nullptr);
    return vk_error(r, "vkCreatePipelineLayout");
  }
  layouts_[bindings] = {set_layout, layout};
  return layouts_[bindings];
}

Result<const Pipeline*> PipelineRegistry::get(const PipelineKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pipelines_.find(key);
  if (it != pipelines_.end()) return it->second.get();
  ODIN_ASSIGN_OR_RETURN(VkShaderModule m, module(key.shader, key.fp16));
  ODIN_ASSIGN_OR_RETURN(auto l, layouts(key.bindings));

  std::vector<int32_t> values = key.spec;
  std::vector<VkSpecializationMapEntry> entries(key.spec.size());
  for (size_t i = 0; i < key.spec.size(); ++i)
    entries[i] = {static_cast<uint32_t>(i), static_cast<uint32_t>(i * 4), 4};
  if (key.group != 0) {
    entries.push_back({kGroupSizeConstantId, static_cast<uint32_t>(values.size() * 4), 4});
    values.push_back(static_cast<int32_t>(key.group));
  }
  VkSpecializationInfo spec{};
  spec.mapEntryCount = static_cast<uint32_t>(entries.size());
  spec.pMapEntries = entries.data();
  spec.dataSize = values.size() * 4;
  spec.pData = values.data();

  auto ci = make_info<VkComputePipelineCreateInfo>(VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO);
  ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  ci.stage.module = m;
  ci.stage.pName = "main";
  ci.stage.pSpecializationInfo = values.empty() ? nullptr : &spec;
  ci.layout = l.second;
  auto p = std::make_unique<Pipeline>();
  p->layout = l.second;
  p->set_layout = l.first;
  ODIN_VK_CHECK(api_.vkCreateComputePipelines(device_, cache_, 1, &ci, nullptr, &p->pipeline),
                "vkCreateComputePipelines " + key.shader);
  ++created_;
  dirty_ = true;
  const Pipeline* out = p.get();
  pipelines_[key] = std::move(p);
  return out;
}

Status PipelineRegistry::save() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!dirty_ || cache_ == VK_NULL_HANDLE || cache_path_.empty()) return Status();
  size_t size = 0;
  ODIN_VK_CHECK(api_.vkGetPipelineCacheData(device_, cache_, &size, nullptr),
                "vkGetPipelineCacheData");
  std::vector<uint8_t> blob(size);
  ODIN_VK_CHECK(api_.vkGetPipelineCacheData(device_, cache_, &size, blob.data()),
                "vkGetPipelineCacheData");
  blob.resize(size);
  dirty_ = false;
  return write_pipeline_cache(cache_path_, info_, blob);
}

}  // namespace odin::vk
