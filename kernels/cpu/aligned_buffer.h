// Float buffers aligned for the widest vector loads (64 bytes), padded so
// that whole-vector loads of packed data never run past their end, and an
// arena that packs many weight buffers into a few huge-page-backed chunks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "core/memory.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace odin::cpu {

// Zero-filled memory in chunks; every allocation lives as long as the arena.
class WeightArena {
 public:
  WeightArena() = default;
  WeightArena(const WeightArena&) = delete;
  WeightArena& operator=(const WeightArena&) = delete;
  ~WeightArena() {
    for (const Chunk& c : chunks_) release(c);
  }

  // n zeroed floats, 64-byte aligned, plus 64 bytes of zero padding.
  float* allocate(size_t n) {
    const size_t bytes = (n * sizeof(float) + 63) / 64 * 64 + 64;
    if (chunks_.empty() || chunks_.back().used + bytes > chunks_.back().size)
      chunks_.push_back(acquire(std::max(bytes, kChunk)));
    Chunk& c = chunks_.back();
    auto* p = reinterpret_cast<float*>(c.base + c.used);
    c.used += bytes;
    total_ += bytes;
    return p;
  }
  size_t bytes() const { return total_; }

 private:
  // Large: with huge pages, the last, partly used 2 MiB of each chunk is
  // resident but wasted (8 MiB chunks cost TinyLlama ~80 MB of RSS). Unused
  // address space costs nothing.
  static constexpr size_t kChunk = size_t{64} << 20;
  struct Chunk {
    uint8_t* base = nullptr;
    size_t size = 0, used = 0;
  };
  static Chunk acquire(size_t size) {
    size = (size + (size_t{2} << 20) - 1) & ~((size_t{2} << 20) - 1);
    Chunk c;
    c.size = size;
#if defined(__linux__)
    // Fresh anonymous memory: zero, and faulted in only where used.
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    advise_huge_pages(p, size);
    c.base = static_cast<uint8_t*>(p);
#else
    c.base = static_cast<uint8_t*>(std::aligned_alloc(64, size));
    if (!c.base) throw std::bad_alloc();
    std::memset(c.base, 0, size);
#endif
    return c;
  }
  static void release(const Chunk& c) {
#if defined(__linux__)
    munmap(c.base, c.size);
#else
    std::free(c.base);
#endif
  }
  std::vector<Chunk> chunks_;
  size_t total_ = 0;
};

// n floats, zero-filled: owned, or borrowed from a WeightArena.
class AlignedFloats {
 public:
  AlignedFloats() = default;
  explicit AlignedFloats(size_t n, WeightArena* arena = nullptr) { resize(n, arena); }
  void resize(size_t n, WeightArena* arena = nullptr) {
    owned_.reset();
    if (arena) {
      data_ = arena->allocate(n);
    } else {
      const size_t bytes = (n * sizeof(float) + 63) / 64 * 64 + 64;
      owned_.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
      if (!owned_) throw std::bad_alloc();
      std::memset(owned_.get(), 0, bytes);
      data_ = owned_.get();
    }
    size_ = n;
  }
  float* data() { return data_; }
  const float* data() const { return data_; }
  size_t size() const { return size_; }
  size_t bytes() const { return size_ * sizeof(float); }
  float& operator[](size_t i) { return data_[i]; }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> owned_;
  float* data_ = nullptr;
  size_t size_ = 0;
};

// Scratch memory the ops of one executable share: they run one after
// another, so one buffer sized for the largest request serves them all
// (per-op buffers would add up to megabytes on the hand models). Ops reserve
// at compile time and ask for the buffer when they run; its contents do not
// survive from one op to the next.
class SharedScratch {
 public:
  void reserve(size_t floats) { size_ = std::max(size_, floats); }
  // At least every reserved size; allocated on first use.
  float* get() { return get(0); }
  // At least every reserved size and `floats`, for ops whose need depends
  // on the run (grown here, between ops, never while one holds it).
  float* get(size_t floats) {
    size_ = std::max(size_, floats);
    if (buf_.size() < size_) buf_.resize(size_);
    return buf_.data();
  }

 private:
  size_t size_ = 0;
  AlignedFloats buf_;
};

}  // namespace odin::cpu
