// Atomic file replacement and advisory locks, so a crash or a full disk never
// leaves a half-written zone or key state behind (write to a temporary file in
// the same folder, fsync, rename over the target, fsync the folder).
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace zs {

// Replaces `path` with `content` atomically. `mode` applies to the new file
// (0600 for private keys). On failure the old file is untouched and the
// temporary file removed.
Result<void> write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0644);

// Reads a whole file. Errors: Errc::io naming the path.
Result<std::string> read_file(const std::string& path);

// An exclusive flock() on `path` (created if missing), held until destroyed.
// Fails at once (Errc::io) if another process holds it.
class FileLock {
 public:
  static Result<FileLock> acquire(const std::string& path);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) noexcept : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace zs
