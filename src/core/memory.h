// Host memory helpers: page-level hints to the OS about buffers odin owns or
// maps, and a 64-byte aligned byte buffer for constants a pass computes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace odin {

// Alignment of buffers odin allocates (fits AVX-512 loads).
constexpr size_t kBufferAlignment = 64;

// Asks the OS to back the 2 MiB-aligned part of [p, p + bytes) with
// transparent huge pages before it is first touched: one page fault per
// 2 MiB instead of per 4 KiB. A hint only.
void advise_huge_pages(void* p, size_t bytes);

// Drops the whole pages inside [p, p + bytes) of a private read-only file
// mapping from this process's memory; they are read back from the file on
// the next access. Returns the bytes dropped. Only for such mappings: on
// anonymous memory this would lose data.
size_t drop_reloadable_pages(const void* p, size_t bytes);

// `bytes` zeroed bytes aligned to kBufferAlignment, freed with the last
// shared_ptr; large buffers are huge-page backed. Null when out of memory.
std::shared_ptr<uint8_t> allocate_shared_buffer(size_t bytes);

}  // namespace odin
