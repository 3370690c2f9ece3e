#include "backends/vulkan/vk_pipeline_cache_file.h"

#include <cstdlib>
#include <cstring>

#include "core/cache_file.h"

namespace odin::vk {
namespace {

constexpr char kMagic[8] = {'O', 'D', 'I', 'N', 'V', 'K', 'P', 'C'};
constexpr uint32_t kFormatVersion = 1;

struct Header {
  char magic[8];
  uint32_t format_version;
  uint32_t vendor_id;
  uint32_t device_id;
  uint32_t driver_version;
  uint8_t cache_uuid[16];
  uint64_t payload_bytes;
  uint64_t payload_hash;
};

Header header_for(const DeviceInfo& d) {
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.format_version = kFormatVersion;
  h.vendor_id = d.vendor_id;
  h.device_id = d.device_id;
  h.driver_version = d.driver_version;
  std::memcpy(h.cache_uuid, d.pipeline_cache_uuid.data(), 16);
  return h;
}

}  // namespace

std::string pipeline_cache_path() {
  if (const char* p = std::getenv("ODIN_VULKAN_PIPELINE_CACHE"))
    return std::strcmp(p, "off") == 0 ? "" : p;
  const std::string dir = odin_cache_dir();
  return dir.empty() ? "" : dir + "/vulkan_pipeline_cache.bin";
}

std::vector<uint8_t> read_pipeline_cache(const std::string& path, const DeviceInfo& device) {
  if (path.empty()) return {};
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  Header h{};
  if (bytes.size() < sizeof(h)) return {};
  std::memcpy(&h, bytes.data(), sizeof(h));
  const Header want = header_for(device);
  if (std::memcmp(h.magic, want.magic, sizeof(h.magic)) != 0 ||
      h.format_version != want.format_version || h.vendor_id != want.vendor_id ||
      h.device_id != want.device_id || h.driver_version != want.driver_version ||
      std::memcmp(h.cache_uuid, want.cache_uuid, 16) != 0 ||
      h.payload_bytes != bytes.size() - sizeof(h))
    return {};
  std::span<const uint8_t> payload(bytes.data() + sizeof(h), bytes.size() - sizeof(h));
  if (fnv1a(payload.data(), payload.size()) != h.payload_hash) return {};
  return {payload.begin(), payload.end()};
}

Status write_pipeline_cache(const std::string& path, const DeviceInfo& device,
                            std::span<const uint8_t> blob) {
  if (path.empty()) return Status();
  Header h = header_for(device);
  h.payload_bytes = blob.size();
  h.payload_hash = fnv1a(blob.data(), blob.size());
  return write_file_atomically(path, {reinterpret_cast<const uint8_t*>(&h), sizeof(h)}, blob)
      .with_context("the Vulkan pipeline cache");
}

}  // namespace odin::vk
