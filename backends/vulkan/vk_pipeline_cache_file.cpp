#include "backends/vulkan/vk_pipeline_cache_file.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

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

uint64_t fnv1a(std::span<const uint8_t> bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t b : bytes) h = (h ^ b) * 0x100000001b3ull;
  return h;
}

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
  std::string base;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
    base = x;
  else if (const char* home = std::getenv("HOME"); home && *home)
    base = std::string(home) + "/.cache";
  else
    return "";
  return base + "/odin/vulkan_pipeline_cache.bin";
}

std::vector<uint8_t> read_pipeline_cache(const std::string& path, const DeviceInfo& device) {
  if (path.empty()) return {};
  std::ifstream f(path, std::ios::binary);
  if (!f) return {};
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), {});
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
  if (fnv1a(payload) != h.payload_hash) return {};
  return {payload.begin(), payload.end()};
}

Status write_pipeline_cache(const std::string& path, const DeviceInfo& device,
                            std::span<const uint8_t> blob) {
  if (path.empty()) return Status();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  Header h = header_for(device);
  h.payload_bytes = blob.size();
  h.payload_hash = fnv1a(blob);
  // Unique temporary name, then rename: readers never see a partial file.
  const std::string tmp = str_cat(path, ".tmp.", getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(&h), sizeof(h));
    f.write(reinterpret_cast<const char*>(blob.data()), static_cast<std::streamsize>(blob.size()));
    if (!f) {
      std::remove(tmp.c_str());
      return make_error(StatusCode::kIo, "cannot write the Vulkan pipeline cache ", tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return make_error(StatusCode::kIo, "cannot rename ", tmp, " to ", path);
  }
  return Status();
}

}  // namespace odin::vk
