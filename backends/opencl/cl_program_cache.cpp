#include "backends/opencl/cl_program_cache.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/cache_file.h"

namespace odin::cl {
namespace {

constexpr char kMagic[8] = {'O', 'D', 'I', 'N', 'C', 'L', 'P', 'B'};
constexpr uint32_t kFormatVersion = 1;

struct FileHeader {
  char magic[8];
  uint32_t format_version;
  uint32_t reserved;
  uint64_t key;
  uint64_t binary_bytes;
  uint64_t binary_hash;
};

}  // namespace

uint64_t program_key(const DeviceInfo& device, std::string_view source) {
  uint64_t h = fnv1a(&kFormatVersion, sizeof(kFormatVersion));
  // NUL-separated, so "ab"+"c" and "a"+"bc" differ.
  for (const std::string& s :
       {device.platform_name, device.platform_version, device.name, device.driver_version})
    h = fnv1a(s.c_str(), s.size() + 1, h);
  return fnv1a(source.data(), source.size(), h);
}

std::string program_cache_path(uint64_t key) {
  std::string dir;
  if (const char* p = std::getenv("ODIN_OPENCL_PROGRAM_CACHE")) {
    if (std::strcmp(p, "off") == 0 || !*p) return "";
    dir = p;
  } else {
    dir = odin_cache_dir();
    if (dir.empty()) return "";
    dir += "/opencl";
  }
  char name[32];
  std::snprintf(name, sizeof(name), "/%016llx.bin", static_cast<unsigned long long>(key));
  return dir + name;
}

std::vector<uint8_t> read_program_binary(const std::string& path, uint64_t key) {
  if (path.empty()) return {};
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  FileHeader h{};
  if (bytes.size() < sizeof(h)) return {};
  std::memcpy(&h, bytes.data(), sizeof(h));
  const size_t size = bytes.size() - sizeof(h);
  if (std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0 || h.format_version != kFormatVersion ||
      h.key != key || h.binary_bytes != size || size == 0)
    return {};
  if (fnv1a(bytes.data() + sizeof(h), size) != h.binary_hash) return {};
  return {bytes.begin() + sizeof(h), bytes.end()};
}

Status write_program_binary(const std::string& path, uint64_t key,
                            std::span<const uint8_t> binary) {
  if (path.empty()) return Status();
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.format_version = kFormatVersion;
  h.key = key;
  h.binary_bytes = binary.size();
  h.binary_hash = fnv1a(binary.data(), binary.size());
  return write_file_atomically(path, {reinterpret_cast<const uint8_t*>(&h), sizeof(h)}, binary)
      .with_context("the OpenCL program cache");
}

}  // namespace odin::cl
