// Read-only memory mapping of a whole file, so model constants are used in
// place rather than copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/status.h"

namespace odin {

class MappedFile {
 public:
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Errors name the path: missing file, a directory, unreadable, empty.
  // Pages are mapped as they are first read, never all up front
  // (MAP_POPULATE): an LLM's repacked matrices would otherwise be resident
  // twice while they are packed, and reading them maps pages 64 KiB at a
  // time (the kernel's fault-around) at no measurable cost.
  static Result<std::shared_ptr<MappedFile>> open(const std::string& path);

  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

}  // namespace odin
