#include "backends/opencl/cl_program_cache.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/cache_file.h"

namespace odin::cl {
namespace {

constexpr uint32_t kFormatVersion = 1;
constexpr KeyedFileFormat kFormat = {{'O', 'D', 'I', 'N', 'C', 'L', 'P', 'B'}, kFormatVersion};

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
  return read_keyed_file(path, kFormat, key).payload;
}

Status write_program_binary(const std::string& path, uint64_t key,
                            std::span<const uint8_t> binary) {
  if (path.empty()) return Status();
  return write_keyed_file(path, kFormat, key, binary).with_context("the OpenCL program cache");
}

}  // namespace odin::cl
