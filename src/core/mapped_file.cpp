#include "core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace odin {

MappedFile::~MappedFile() {
  if (data_) munmap(const_cast<uint8_t*>(data_), size_);
}

Result<std::shared_ptr<MappedFile>> MappedFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return make_error(err == ENOENT ? StatusCode::kNotFound : StatusCode::kIo, path,
                      ": cannot open: ", std::strerror(err));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(StatusCode::kIo, path, ": not a regular file");
  }
  if (st.st_size == 0) {
    ::close(fd);
    return make_error(StatusCode::kInvalidModel, path, ": file is empty");
  }
  void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  const int err = errno;
  ::close(fd);
  if (p == MAP_FAILED)
    return make_error(StatusCode::kIo, path, ": mmap failed: ", std::strerror(err));
  std::shared_ptr<MappedFile> f(new MappedFile());
  f->data_ = static_cast<const uint8_t*>(p);
  f->size_ = static_cast<size_t>(st.st_size);
  f->path_ = path;
  return f;
}

}  // namespace odin
