#include "core/cache_file.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace odin {
namespace {

struct KeyedHeader {
  char magic[8];
  uint32_t format_version;
  uint32_t reserved;
  uint64_t key;
  uint64_t payload_bytes;
  uint64_t payload_hash;
};

}  // namespace

std::string odin_cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/odin";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/odin";
  return "";
}

uint64_t fnv1a(const void* data, size_t n, uint64_t h) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

std::vector<uint8_t> read_file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return {};
  return {std::istreambuf_iterator<char>(f), {}};
}

Status write_file_atomically(const std::string& path, std::span<const uint8_t> header,
                             std::span<const uint8_t> payload) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string tmp = str_cat(path, ".tmp.", getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    for (std::span<const uint8_t> part : {header, payload})
      f.write(reinterpret_cast<const char*>(part.data()),
              static_cast<std::streamsize>(part.size()));
    if (!f) {
      std::remove(tmp.c_str());
      return make_error(StatusCode::kIo, "cannot write ", tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return make_error(StatusCode::kIo, "cannot rename ", tmp, " to ", path);
  }
  return Status();
}

KeyedRead read_keyed_file(const std::string& path, const KeyedFileFormat& format, uint64_t key) {
  KeyedRead r;
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  if (bytes.empty()) return r;
  r.state = KeyedRead::State::kDamaged;
  KeyedHeader h{};
  if (bytes.size() < sizeof(h)) return r;
  std::memcpy(&h, bytes.data(), sizeof(h));
  const size_t size = bytes.size() - sizeof(h);
  if (std::memcmp(h.magic, format.magic, sizeof(h.magic)) != 0 ||
      h.format_version != format.version || h.key != key || h.payload_bytes != size ||
      fnv1a(bytes.data() + sizeof(h), size) != h.payload_hash)
    return r;
  r.state = KeyedRead::State::kOk;
  r.payload.assign(bytes.begin() + sizeof(h), bytes.end());
  return r;
}

Status write_keyed_file(const std::string& path, const KeyedFileFormat& format, uint64_t key,
                        std::span<const uint8_t> payload) {
  KeyedHeader h{};
  std::memcpy(h.magic, format.magic, sizeof(h.magic));
  h.format_version = format.version;
  h.key = key;
  h.payload_bytes = payload.size();
  h.payload_hash = fnv1a(payload.data(), payload.size());
  return write_file_atomically(path, {reinterpret_cast<const uint8_t*>(&h), sizeof(h)}, payload);
}

}  // namespace odin
