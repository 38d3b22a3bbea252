#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace zs {

namespace {

std::unexpected<Error> io_error(const std::string& what, const std::string& path) {
  return fail(Errc::io, what + " '" + path + "': " + std::strerror(errno));
}

// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<void> write_file_atomic(const std::string& path, std::string_view content, unsigned mode) {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmp_name = ".";
  tmp_name += target.filename().string();
  tmp_name += ".tmp-XXXXXX";
  std::string tmp_template = (dir / tmp_name).string();
  Fd file;
  file.fd = ::mkstemp(tmp_template.data());
  if (file.fd < 0) return io_error("cannot create a temporary file beside", path);
  const std::string tmp = tmp_template;
  auto cleanup_fail = [&](const std::string& what) {
    auto err = io_error(what, tmp);
    ::unlink(tmp.c_str());
    return err;
  };
  if (::fchmod(file.fd, mode) != 0) return cleanup_fail("cannot set the mode of");
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(file.fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return cleanup_fail("cannot write");
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(file.fd) != 0) return cleanup_fail("cannot sync");
  if (::close(file.fd) != 0) {
    file.fd = -1;
    return cleanup_fail("cannot close");
  }
  file.fd = -1;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return cleanup_fail("cannot rename into place");
  Fd dirfd;
  dirfd.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dirfd.fd >= 0) ::fsync(dirfd.fd);  // best effort: the rename is already visible
  return {};
}

Result<std::string> read_file(const std::string& path) {
  Fd file;
  file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file.fd < 0) return io_error("cannot open", path);
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) return io_error("cannot stat", path);
  if (S_ISDIR(st.st_mode)) return fail(Errc::io, "'" + path + "' is a directory");
  std::string out;
  out.reserve(static_cast<std::size_t>(st.st_size));
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(file.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read", path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

Result<FileLock> FileLock::acquire(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot open lock file", path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int saved = errno;
    ::close(fd);
    if (saved == EWOULDBLOCK)
      return fail(Errc::io, "another zonesign run holds the lock '" + path + "'");
    errno = saved;
    return io_error("cannot lock", path);
  }
  return FileLock(fd);
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace zs
