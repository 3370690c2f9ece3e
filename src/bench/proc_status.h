// The process's memory as Linux reports it, for benchmarks.
#pragma once

#include <cstddef>

namespace odin {

// VmRSS / VmHWM (any "Key:  N kB" line of /proc/self/status) in bytes; 0
// where unavailable.
size_t proc_status_bytes(const char* key);

}  // namespace odin
