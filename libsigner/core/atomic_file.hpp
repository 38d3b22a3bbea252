// Atomic file replacement and advisory locks, so a crash or a full disk never
// leaves a half-written zone or key state behind (write to a temporary file in
// the same folder, fsync, rename over the target, fsync the folder).
//
// Every temporary file is named `.NAME.tmp-XXXXXX` and holds an flock() for as
// long as its writer lives: a later run can tell the leftovers of a killed run
// (no lock held) from a write in progress and remove only the former
// (remove_stale_temp_files).
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace zs {

// A file written in full beside its target but not yet in place: commit()
// renames it over the target; destroying it uncommitted removes it. This lets
// a caller prepare several files and put them in place in a chosen order
// (the signed zone, then the key state) after every risky step has passed.
class StagedFile {
 public:
  // Writes `content` to a temporary file beside `path` (mode `mode`) and
  // fsyncs it. Errors: Errc::io (the folder is missing or read-only, the disk
  // is full, `path` is a directory); nothing is left behind then.
  static Result<StagedFile> write(const std::string& path, std::string_view content, unsigned mode = 0644);

  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;
  ~StagedFile();

  // Renames the temporary file over the target and fsyncs the folder.
  // Errors: Errc::io, and the target is then untouched.
  Result<void> commit();

 private:
  StagedFile(std::string target, std::string temp, int fd) noexcept
      : target_(std::move(target)), temp_(std::move(temp)), fd_(fd) {}
  std::string target_;
  std::string temp_;
  int fd_ = -1;  // open and flock()ed until committed or discarded
};

// Replaces `path` with `content` atomically. `mode` applies to the new file
// (0600 for private keys). On failure the old file is untouched and the
// temporary file removed.
Result<void> write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0644);

// Removes the temporary files that writers of `path` left behind when they
// were killed (`.NAME.tmp-XXXXXX` beside it whose lock nobody holds). Returns
// how many were removed; failures to remove one are ignored (it is only
// garbage, and the next run tries again).
std::size_t remove_stale_temp_files(const std::string& path);
// The same for every temporary file in `folder`, whatever its target.
std::size_t remove_stale_temp_files_in(const std::string& folder);

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
