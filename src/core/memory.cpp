#include "core/memory.h"

#include <cstdlib>
#include <cstring>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace odin {

void advise_huge_pages(void* p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const auto begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

size_t drop_reloadable_pages(const void* p, size_t bytes) {
#if defined(__linux__)
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
  const auto end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(page - 1);
  if (end <= begin) return 0;
  if (madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED) != 0) return 0;
  return end - begin;
#else
  (void)p;
  (void)bytes;
  return 0;
#endif
}

std::shared_ptr<uint8_t> allocate_shared_buffer(size_t bytes) {
  const size_t size = (bytes + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
#if defined(__linux__)
  // Large buffers: fresh anonymous memory is zero and faults in only where
  // used; huge pages make that fault in quickly.
  if (size >= (size_t{2} << 20)) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    advise_huge_pages(p, size);
    return std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p),
                                    [size](uint8_t* q) { munmap(q, size); });
  }
#endif
  void* p = std::aligned_alloc(kBufferAlignment, std::max<size_t>(size, kBufferAlignment));
  if (!p) return nullptr;
  std::memset(p, 0, std::max<size_t>(size, kBufferAlignment));
  return std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
}

}  // namespace odin
