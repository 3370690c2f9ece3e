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
  // `populate` maps every page up front (MAP_POPULATE): for files read
  // whole right away (LLM weights), one call instead of a page fault per
  // 4 KiB; from a warm page cache it costs no I/O.
  static Result<std::shared_ptr<MappedFile>> open(const std::string& path, bool populate = false);

  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

}  // namespace odin
