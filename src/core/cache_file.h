// Files odin keeps between processes (the GPU backends' compiled kernels):
// where they live, a checksum, and writes no reader can see half done.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace odin {

// ${XDG_CACHE_HOME:-$HOME/.cache}/odin; "" when no home directory is known.
std::string odin_cache_dir();

// 64-bit FNV-1a of `n` bytes, continued from `h`.
constexpr uint64_t kFnv1aBasis = 0xcbf29ce484222325ull;
uint64_t fnv1a(const void* data, size_t n, uint64_t h = kFnv1aBasis);

// The whole file, or empty when it cannot be read.
std::vector<uint8_t> read_file_bytes(const std::string& path);

// `header` then `payload` into `path`, creating its folder: written to a
// temporary name of this process, then renamed over the old file.
Status write_file_atomically(const std::string& path, std::span<const uint8_t> header,
                             std::span<const uint8_t> payload);

// A cache file of one payload behind a header: an 8-byte magic, a format
// version, the key the payload was made for, its size and its checksum.
struct KeyedFileFormat {
  char magic[8];
  uint32_t version;
};
struct KeyedRead {
  enum class State { kOk, kMissing, kDamaged } state = State::kMissing;
  std::vector<uint8_t> payload;  // kOk only
};
// Missing (or empty) is kMissing; another magic, version or key, a wrong
// size or checksum is kDamaged, never trusted.
KeyedRead read_keyed_file(const std::string& path, const KeyedFileFormat& format, uint64_t key);
// Through write_file_atomically.
Status write_keyed_file(const std::string& path, const KeyedFileFormat& format, uint64_t key,
                        std::span<const uint8_t> payload);

}  // namespace odin
