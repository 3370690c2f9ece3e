#include "backends/opencl/cl_program_cache.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

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

// FNV-1a, continued from `h`.
uint64_t hash_bytes(const void* data, size_t n, uint64_t h = 0xcbf29ce484222325ull) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

}  // namespace

uint64_t program_key(const DeviceInfo& device, std::string_view source) {
  uint64_t h = hash_bytes(&kFormatVersion, sizeof(kFormatVersion));
  // NUL-separated, so "ab"+"c" and "a"+"bc" differ.
  for (const std::string& s :
       {device.platform_name, device.platform_version, device.name, device.driver_version})
    h = hash_bytes(s.c_str(), s.size() + 1, h);
  return hash_bytes(source.data(), source.size(), h);
}

std::string program_cache_path(uint64_t key) {
  std::string dir;
  if (const char* p = std::getenv("ODIN_OPENCL_PROGRAM_CACHE")) {
    if (std::strcmp(p, "off") == 0 || !*p) return "";
    dir = p;
  } else if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    dir = std::string(x) + "/odin/opencl";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    dir = std::string(home) + "/.cache/odin/opencl";
  } else {
    return "";
  }
  char name[32];
  std::snprintf(name, sizeof(name), "/%016llx.bin", static_cast<unsigned long long>(key));
  return dir + name;
}

std::vector<uint8_t> read_program_binary(const std::string& path, uint64_t key) {
  if (path.empty()) return {};
  std::ifstream f(path, std::ios::binary);
  if (!f) return {};
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), {});
  FileHeader h{};
  if (bytes.size() < sizeof(h)) return {};
  std::memcpy(&h, bytes.data(), sizeof(h));
  const size_t size = bytes.size() - sizeof(h);
  if (std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0 || h.format_version != kFormatVersion ||
      h.key != key || h.binary_bytes != size || size == 0)
    return {};
  if (hash_bytes(bytes.data() + sizeof(h), size) != h.binary_hash) return {};
  return {bytes.begin() + sizeof(h), bytes.end()};
}

Status write_program_binary(const std::string& path, uint64_t key,
                            std::span<const uint8_t> binary) {
  if (path.empty()) return Status();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.format_version = kFormatVersion;
  h.key = key;
  h.binary_bytes = binary.size();
  h.binary_hash = hash_bytes(binary.data(), binary.size());
  // A name of our own, then rename: other processes never read a partial file.
  const std::string tmp = str_cat(path, ".tmp.", getpid());
  std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(&h), sizeof(h));
  f.write(reinterpret_cast<const char*>(binary.data()),
          static_cast<std::streamsize>(binary.size()));
  f.close();
  if (!f || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return make_error(StatusCode::kIo, "opencl: cannot write the program cache ", path);
  }
  return Status();
}

}  // namespace odin::cl
