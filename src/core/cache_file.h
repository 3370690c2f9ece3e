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

}  // namespace odin
