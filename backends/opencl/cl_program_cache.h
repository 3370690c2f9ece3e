// Program binaries kept on disk between processes, so the driver compiles
// the kernels once per device, driver and source:
// ${XDG_CACHE_HOME:-$HOME/.cache}/odin/opencl/<key>.bin, where the key hashes
// the device name, driver version and the program source
// (ODIN_OPENCL_PROGRAM_CACHE names another folder; "off" disables it). Our
// header repeats the key and checksums the binary: a stale, truncated or
// corrupt file is ignored (and rebuilt), never trusted.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backends/opencl/cl_device_info.h"

namespace odin::cl {

// The key of `source` built for `device`.
uint64_t program_key(const DeviceInfo& device, std::string_view source);

// The file for `key`; "" when disabled or no home directory is known.
std::string program_cache_path(uint64_t key);

// The binary, or empty when missing, corrupt or for another key.
std::vector<uint8_t> read_program_binary(const std::string& path, uint64_t key);

// Writes through a temporary file renamed over the old one.
Status write_program_binary(const std::string& path, uint64_t key, std::span<const uint8_t> binary);

}  // namespace odin::cl
