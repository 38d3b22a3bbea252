// Atomic file replacement and advisory locks, so a crash or a full disk never
// leaves a half-written zone or key state behind (write to a temporary file in
// the same folder, fsync, rename over the target, fsync the folder).
//
// Every temporary file is named `.NAME.tmp-XXXXXX` and holds an flock() for as
// long as its writer lives: a later run can tell the leftovers of a killed run
// (no lock held) from a write in progress and remove only the former
// (remove_stale_temp_files).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/direct_io.hpp"
#include "core/error.hpp"

namespace zs {

// `.NAME.tmp-` for a target NAME: the prefix of every temporary file written for it (mkstemp
// adds six characters); remove_stale_temp_files removes the unlocked ones.
std::string temp_prefix(const std::filesystem::path& target);

// A file written in full beside its target but not yet in place: commit()
// renames it over the target; destroying it uncommitted removes it. This lets
// a caller prepare several files and put them in place in a chosen order
// (the signed zone, then the key state) after every risky step has passed.
//
// Two ways to fill it: write() with the whole content at once, or create(),
// then append() piece by piece (buffered, so a zone of gigabytes is streamed
// out with a few MiB of memory) and finish(). A finished file can be read
// back through read_at() before it is committed.
class StagedFile {
 public:
  // Writes `content` to a temporary file beside `path` (mode `mode`) and
  // fsyncs it. Errors: Errc::io (the folder is missing or read-only, the disk
  // is full, `path` is a directory); nothing is left behind then.
  static Result<StagedFile> write(const std::string& path, std::string_view content, unsigned mode = 0644);
  // How create()'s file is written and read back: through the page cache, or
  // for a large file written once (the signed zone) with direct I/O
  // (core/direct_io.hpp), where the file system allows it and through the
  // page cache where it does not.
  enum class Io { buffered, direct };
  // Creates the temporary file beside `path` (mode `mode`), empty and locked.
  // Errors as write().
  static Result<StagedFile> create(const std::string& path, unsigned mode = 0644, Io io = Io::buffered);

  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;
  ~StagedFile();

  // Appends `data` after what was appended before. Errors: Errc::io (a full
  // disk), and the file can then no longer be committed; destroying it
  // removes it, the target untouched.
  Result<void> append(std::string_view data);
  // Appends `size` bytes of the regular file open as `from_fd`, from
  // `offset` on, copied by the kernel where it can (copy_file_range), so
  // that they never pass through this process. With Io::direct they are
  // read instead (from `from_direct_fd` when it is open with O_DIRECT on the
  // same file, see reopen_for_direct_reads) and written with the rest.
  // Errors: Errc::io (a full disk, a source shorter than asked), as append().
  Result<void> append_copy(int from_fd, std::uint64_t offset, std::uint64_t size, int from_direct_fd = -1);
  // Whether the bytes go to the file with direct I/O (Io::direct and a file
  // system that allows it, so far).
  bool direct() const noexcept { return direct_; }
  // Writes out what append() buffered and fsyncs the file; nothing can be
  // appended afterwards. Errors as append().
  Result<void> finish();
  // finish() in two steps, so that the fsync can run beside reading the file
  // back: write_out() writes out what append() buffered (the file can be
  // read from then on, nothing appended), sync() fsyncs it. commit() needs
  // both. sync() may run while another thread calls read_at().
  Result<void> write_out();
  Result<void> sync();
  // For a cache whose reader detects a torn file (a seal): finish() without
  // the fsync. After a crash the committed file may be empty or cut short.
  Result<void> finish_unsynced();
  // Reads at most `out.size()` bytes at `offset` of the written file into
  // `out`; returns how many (0 at its end). Errors: Errc::io, or
  // Errc::internal before write_out() or finish().
  Result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) const;
  // Reading the file back on other threads while it is written (a
  // read-back that follows the writer). follow(), before the first append,
  // opens a descriptor for the readers alone (the writer's may change its
  // O_DIRECT flag under them). read_following() then waits until the bytes
  // asked for are in the file, or the writing has ended, and reads them as
  // read_at() does; it may run on several threads beside the writing one.
  // The writing ends with write_out(), or with end_following(), which the
  // writer calls on every way out: a file not written out by then failed,
  // and every read_following() fails from then on. Errors: Errc::io (follow:
  // no second descriptor could be had; read: as read_at, or the writing
  // failed), Errc::internal for a file not followed.
  Result<void> follow();
  Result<std::size_t> read_following(std::uint64_t offset, std::span<char> out) const;
  void end_following() noexcept;
  // Where the content lies until commit(): for messages and tests.
  const std::string& temp_path() const noexcept { return temp_; }

  // Renames the temporary file over the target and fsyncs the folder.
  // Errors: Errc::io, and the target is then untouched; Errc::internal for a
  // file not finished or whose writing failed.
  Result<void> commit();

 private:
  StagedFile(std::string target, std::string temp, int fd) noexcept;
  Result<void> flush();
  Result<void> append_direct(std::string_view data);
  // Writes the first `bytes` of direct_buffer_ at direct_size_ and keeps what
  // follows them; falls back to the page cache if the file system refuses.
  Result<void> write_direct(std::size_t bytes);
  // Tells the readers that follow the writing that `bytes` more are in the file.
  void handed(std::uint64_t bytes);
  struct Following;
  std::string target_;
  std::string temp_;
  int fd_ = -1;  // open and flock()ed until committed or discarded
  std::string buffer_;  // appended, not yet written
  // Io::direct: fd_ has O_DIRECT while direct_ holds; what is appended waits
  // in an aligned buffer and goes out in whole blocks at direct_size_.
  bool direct_ = false;
  AlignedBuffer direct_buffer_;
  AlignedBuffer direct_scratch_;  // append_copy's reads of an O_DIRECT source
  std::size_t direct_used_ = 0;
  std::uint64_t direct_size_ = 0;  // bytes in the file
  bool written_ = false;   // write_out(): readable, nothing more appended
  bool finished_ = false;  // synced (or finish_unsynced()): committable
  bool failed_ = false;
  std::unique_ptr<Following> following_;  // with follow()
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

// The one reading path for zone files, $INCLUDEd files, key files, key
// states and previous outputs. Whatever a path names, reading it costs bounded
// memory and never blocks: the file is opened with O_NONBLOCK (a FIFO's open
// returns at once) and fstat()ed before any read, and only a regular file is
// read; its size is never taken on trust (st_size and ftell lie for /proc
// files, devices and directories): reading stops as soon as `max_bytes` is
// passed.
//
// The default ceiling (also of a zone and its includes together, zonefile.hpp
// ZoneInputOptions). It is no memory budget: zonesign holds a zone in memory,
// and measured on a generated zone of 10 MB (200,000 names) `check --zone`
// peaks at 15 bytes of memory per byte of input and `sign` at 74 (38 since it
// streams its output instead of holding it; 100,000 names, 5 MB), while the
// signed output is 11 times the zone's text (112 MB). Memory is bounded by
// refusing what is not a regular file, by the per-record and $GENERATE limits
// of the parser, and for real files by their size, which the operator chose.
// The ceiling stops what no zone can be: the signed output of a 1 GiB zone
// (20 million names, more than one host signs in memory) is some 11 GiB, and
// `verify` must read it; 16 GiB lies above that. --max-input-size lowers it
// for input from a pipe or from elsewhere.
inline constexpr std::uint64_t default_max_read_bytes = std::uint64_t{16} << 30;

// Reads a whole regular file of at most `max_bytes`. Errors: Errc::io naming
// the path (missing, unreadable, a directory, FIFO, device or socket),
// Errc::limit for a file larger than `max_bytes`.
Result<std::string> read_file(const std::string& path, std::uint64_t max_bytes = default_max_read_bytes);

// Reads standard input to its end (a pipe, a redirected file, a terminal), at
// most `max_bytes`; `-` stands for it in messages. Errors as read_file (a
// directory, a block device or a character device other than a terminal, such
// as /dev/zero, is refused before any read).
Result<std::string> read_stdin(std::uint64_t max_bytes = default_max_read_bytes);

// "4 GiB", "512 MiB", "1000 bytes": a byte count for messages.
std::string format_byte_count(std::uint64_t bytes);

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
