#include "corridorkey/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "corridorkey/errors.hpp"

namespace corridorkey {
namespace fs = std::filesystem;

namespace {
[[noreturn]] void io_fail(const std::string& what, const fs::path& path, int err) {
  throw IoError(what + " '" + path.string() + "': " + std::strerror(err) +
                (err == ENOSPC ? ". Free some disk space and run again." : "."));
}
}  // namespace

fs::path AtomicFile::temp_name_for(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  std::string name = ".";
  name.append(target.filename().string());
  name.append(".tmp-").append(std::to_string(::getpid())).append("-").append(std::to_string(counter++));
  return target.parent_path() / name;
}

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)), temp_(temp_name_for(target_)) {
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) io_fail("cannot create", temp_, errno);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  }
}

void AtomicFile::write(const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_fail("cannot write", target_, errno);
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0) io_fail("cannot flush", target_, errno);
  if (::close(fd_) != 0) {
    fd_ = -1;
    ::unlink(temp_.c_str());
    io_fail("cannot close", target_, errno);
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp_.c_str());
    io_fail("cannot rename into place", target_, err);
  }
}

}  // namespace corridorkey
