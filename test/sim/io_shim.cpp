// LD_PRELOAD shim for the direct-io scenario: a file system that refuses
// direct I/O in one of the ways zonesign must live with
// (core/direct_io.hpp), chosen by ZONESIGN_IO_SHIM:
//   refuse-direct         O_DIRECT cannot be set (open and fcntl F_SETFL fail
//                         with EINVAL), as on a file system without it;
//   refuse-direct-writes  O_DIRECT is set, but writes on such a descriptor fail
//                         with EINVAL;
//   refuse-direct-reads   O_DIRECT is set and writes work, but reads on such a
//                         descriptor fail with EINVAL.
// Anything else (or nothing) lets every call through.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>

namespace {

bool mode_is(const char* what) {
  const char* mode = std::getenv("ZONESIGN_IO_SHIM");
  return mode && std::strcmp(mode, what) == 0;
}

template <class F>
F next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

int real_fcntl(int fd, int cmd, long arg) {
  static const auto f = next<int (*)(int, int, ...)>("fcntl");
  return f(fd, cmd, arg);
}

bool is_direct(int fd) {
  const int flags = real_fcntl(fd, F_GETFL, 0);
  return flags >= 0 && (flags & O_DIRECT) != 0;
}

int real_open(const char* path, int flags, mode_t mode) {
  static const auto f = next<int (*)(const char*, int, ...)>("open");
  return f(path, flags, mode);
}

// Each refusal is logged (one line naming the call) to ZONESIGN_IO_SHIM_LOG,
// so that a test can tell that the path it means to test was taken.
int refuse(const char* call) {
  if (const char* log = std::getenv("ZONESIGN_IO_SHIM_LOG")) {
    const int fd = real_open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
      const ssize_t ignored [[maybe_unused]] = ::write(fd, call, std::strlen(call));
      const ssize_t newline [[maybe_unused]] = ::write(fd, "\n", 1);
      ::close(fd);
    }
  }
  errno = EINVAL;
  return -1;
}

// The calls below, once their variable arguments are read.
int open_or_refuse(const char* real_name, const char* path, int flags, mode_t mode) {
  if ((flags & O_DIRECT) != 0 && mode_is("refuse-direct")) return refuse("open");
  return next<int (*)(const char*, int, ...)>(real_name)(path, flags, mode);
}

int fcntl_or_refuse(int fd, int cmd, long arg) {
  if (cmd == F_SETFL && (arg & O_DIRECT) != 0 && mode_is("refuse-direct")) return refuse("fcntl");
  return real_fcntl(fd, cmd, arg);
}

ssize_t pwrite_or_refuse(const char* real_name, int fd, const void* buf, size_t count, off_t offset) {
  if (mode_is("refuse-direct-writes") && is_direct(fd)) return refuse("pwrite");
  return next<ssize_t (*)(int, const void*, size_t, off_t)>(real_name)(fd, buf, count, offset);
}

ssize_t pread_or_refuse(const char* real_name, int fd, void* buf, size_t count, off_t offset) {
  if (mode_is("refuse-direct-reads") && is_direct(fd)) return refuse("pread");
  return next<ssize_t (*)(int, void*, size_t, off_t)>(real_name)(fd, buf, count, offset);
}

// open's mode argument is there only when the flags create a file.
#define ZS_OPEN_MODE(flags, mode)                                     \
  mode_t mode = 0;                                                    \
  if ((flags) & (O_CREAT | O_TMPFILE)) {                              \
    va_list ap;                                                       \
    va_start(ap, flags);                                              \
    mode = static_cast<mode_t>(va_arg(ap, int));                      \
    va_end(ap);                                                       \
  }

}  // namespace

extern "C" {

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  const long arg = va_arg(ap, long);
  va_end(ap);
  return fcntl_or_refuse(fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  const long arg = va_arg(ap, long);
  va_end(ap);
  return fcntl_or_refuse(fd, cmd, arg);
}

int open(const char* path, int flags, ...) {
  ZS_OPEN_MODE(flags, mode)
  return open_or_refuse("open", path, flags, mode);
}

int open64(const char* path, int flags, ...) {
  ZS_OPEN_MODE(flags, mode)
  return open_or_refuse("open64", path, flags, mode);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
  return pwrite_or_refuse("pwrite", fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off_t offset) {
  return pwrite_or_refuse("pwrite64", fd, buf, count, offset);
}

ssize_t pread(int fd, void* buf, size_t count, off_t offset) {
  return pread_or_refuse("pread", fd, buf, count, offset);
}

ssize_t pread64(int fd, void* buf, size_t count, off_t offset) {
  return pread_or_refuse("pread64", fd, buf, count, offset);
}

}  // extern "C"
