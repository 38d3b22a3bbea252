#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>

namespace zs {

std::string temp_prefix(const std::filesystem::path& target) { return "." + target.filename().string() + ".tmp-"; }

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

bool is_temp_name(const std::string& name) {
  // ".X.tmp-" followed by mkstemp's six characters.
  const auto pos = name.rfind(".tmp-");
  return name.size() > 1 && name[0] == '.' && pos != std::string::npos && pos > 1 && name.size() == pos + 11;
}

// Removes `path` if it is a regular file whose flock() nobody holds: its
// writer is gone (a writer keeps its lock until the rename).
bool remove_if_orphaned(const std::string& path) {
  Fd file;
  file.fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (file.fd < 0) return false;
  struct stat st {};
  if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (::flock(file.fd, LOCK_EX | LOCK_NB) != 0) return false;
  return ::unlink(path.c_str()) == 0;
}

}  // namespace

namespace {

// A few MiB: large writes for the disk, small beside any zone worth streaming.
constexpr std::size_t staged_buffer_bytes = std::size_t{4} << 20;

// Reads at most `out.size()` bytes at `offset` of `fd`, with direct I/O while
// `direct` holds; a file system that refuses to read so (EINVAL) clears
// `direct` and O_DIRECT on `fd`, and is read through the page cache.
Result<std::size_t> read_back(int fd, std::atomic<bool>& direct, const std::string& path, std::uint64_t offset,
                              std::span<char> out) {
  if (direct.load(std::memory_order_relaxed)) {
    // A direct read past the end of the file zeroes the caller's buffer up
    // to the length asked for (iomap) before it returns what the file holds:
    // a read-back's 4 MiB window over a zone of a few KB cost 1,000 page
    // faults, most of a small zone's run. So no more than the file's blocks
    // from `offset` on are asked for.
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail(Errc::io, "cannot read back '" + path + "': " + std::strerror(errno));
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (offset >= size) return 0;
    const std::uint64_t blocks = (size - offset + direct_io_align - 1) / direct_io_align * direct_io_align;
    if (blocks < out.size()) out = out.first(static_cast<std::size_t>(blocks));
    ssize_t n = -1;
    if (((offset | out.size() | reinterpret_cast<std::uintptr_t>(out.data())) & (direct_io_align - 1)) == 0) {
      n = pread_direct(fd, offset, out, nullptr, 0);
    } else {
      const std::size_t scratch_bytes =
          std::min(out.size() + 2 * direct_io_align, staged_buffer_bytes) / direct_io_align * direct_io_align;
      AlignedBuffer scratch = make_aligned_buffer(scratch_bytes);
      if (!scratch) return fail(Errc::io, "cannot read back '" + path + "': out of memory");
      n = pread_direct(fd, offset, out, scratch.get(), scratch_bytes);
    }
    if (n >= 0) return static_cast<std::size_t>(n);
    // The reads below take any alignment, so another thread reading at the
    // same time is not disturbed.
    if (errno != EINVAL || !set_direct_io(fd, false))
      return fail(Errc::io, "cannot read back '" + path + "': " + std::strerror(errno));
    direct.store(false, std::memory_order_relaxed);
  }
  for (;;) {
    ssize_t n = ::pread(fd, out.data(), out.size(), static_cast<off_t>(offset));
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return fail(Errc::io, "cannot read back '" + path + "': " + std::strerror(errno));
  }
}

bool write_all(int fd, const char* data, std::size_t left) {
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

bool pwrite_all(int fd, const char* data, std::size_t left, std::uint64_t offset) {
  while (left > 0) {
    const ssize_t n = ::pwrite(fd, data, left, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;
      return false;
    }
    data += n;
    offset += static_cast<std::uint64_t>(n);
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

// What the readers that follow the writing share with it.
struct StagedFile::Following {
  int fd = -1;  // the readers' own descriptor
  std::atomic<bool> direct{false};
  std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t in_file = 0;  // bytes handed to the file, all of them from its start
  enum class State : std::uint8_t { writing, written, failed } state = State::writing;
  Following() = default;
  Following(const Following&) = delete;
  Following& operator=(const Following&) = delete;
  ~Following() {
    if (fd >= 0) ::close(fd);
  }
};

Result<StagedFile> StagedFile::create(const std::string& path, unsigned mode, Io io) {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (std::filesystem::is_directory(target, ec))
    return fail(Errc::io, "cannot write '" + path + "': it is a directory");
  std::string tmp_template = (dir / (temp_prefix(target) + "XXXXXX")).string();
  Fd file;
  file.fd = ::mkstemp(tmp_template.data());
  if (file.fd < 0) return io_error("cannot create a temporary file beside", path);
  const std::string tmp = tmp_template;
  auto cleanup_fail = [&](const std::string& what) {
    auto err = io_error(what, tmp);
    ::unlink(tmp.c_str());
    return err;
  };
  // Held until the rename: remove_stale_temp_files() leaves a locked file alone.
  if (::flock(file.fd, LOCK_EX | LOCK_NB) != 0) return cleanup_fail("cannot lock");
  if (::fchmod(file.fd, mode) != 0) return cleanup_fail("cannot set the mode of");
  StagedFile staged(path, tmp, file.fd);
  file.fd = -1;
  if (io == Io::direct) {
    // Where the file system refuses O_DIRECT, through the page cache.
    staged.direct_buffer_ = make_aligned_buffer(staged_buffer_bytes);
    staged.direct_ = staged.direct_buffer_ && set_direct_io(staged.fd_, true);
    if (!staged.direct_) staged.direct_buffer_.reset();
  }
  return staged;
}

Result<StagedFile> StagedFile::write(const std::string& path, std::string_view content, unsigned mode) {
  auto staged = create(path, mode);
  if (!staged) return staged;
  if (auto r = staged->append(content); !r) return std::unexpected(r.error());
  if (auto r = staged->finish(); !r) return std::unexpected(r.error());
  return staged;
}

StagedFile::StagedFile(std::string target, std::string temp, int fd) noexcept
    : target_(std::move(target)), temp_(std::move(temp)), fd_(fd) {}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : target_(std::move(other.target_)),
      temp_(std::move(other.temp_)),
      fd_(other.fd_),
      buffer_(std::move(other.buffer_)),
      direct_(other.direct_),
      direct_buffer_(std::move(other.direct_buffer_)),
      direct_scratch_(std::move(other.direct_scratch_)),
      direct_used_(other.direct_used_),
      direct_size_(other.direct_size_),
      written_(other.written_),
      finished_(other.finished_),
      failed_(other.failed_),
      following_(std::move(other.following_)) {
  other.fd_ = -1;
  other.temp_.clear();
}

StagedFile::~StagedFile() {
  if (!temp_.empty()) ::unlink(temp_.c_str());
  if (fd_ >= 0) ::close(fd_);
}

Result<void> StagedFile::flush() {
  if (!buffer_.empty() && !write_all(fd_, buffer_.data(), buffer_.size())) {
    failed_ = true;
    return io_error("cannot write", temp_);
  }
  handed(buffer_.size());
  buffer_.clear();
  return {};
}

Result<void> StagedFile::write_direct(std::size_t bytes) {
  std::size_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::pwrite(fd_, direct_buffer_.get() + done, bytes - done, static_cast<off_t>(direct_size_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL) {
      // The file system took O_DIRECT but refuses the write (or a short
      // write left the rest unaligned): the page cache from here on.
      if (!set_direct_io(fd_, false) ||
          !pwrite_all(fd_, direct_buffer_.get() + done, bytes - done, direct_size_ + done)) {
        failed_ = true;
        return io_error("cannot write", temp_);
      }
      handed(bytes - done);
      direct_ = false;
      break;
    }
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;
      failed_ = true;
      return io_error("cannot write", temp_);
    }
    done += static_cast<std::size_t>(n);
    handed(static_cast<std::uint64_t>(n));
  }
  direct_size_ += bytes;
  const std::size_t rest = direct_used_ - bytes;
  if (direct_) {
    std::memmove(direct_buffer_.get(), direct_buffer_.get() + bytes, rest);
    direct_used_ = rest;
    return {};
  }
  // What follows goes through buffer_ and write(), at the file's offset.
  buffer_.assign(direct_buffer_.get() + bytes, rest);
  direct_used_ = 0;
  direct_buffer_.reset();
  if (::lseek(fd_, static_cast<off_t>(direct_size_), SEEK_SET) < 0) {
    failed_ = true;
    return io_error("cannot write", temp_);
  }
  return {};
}

Result<void> StagedFile::append_direct(std::string_view data) {
  while (!data.empty() && direct_) {
    const std::size_t n = std::min(data.size(), staged_buffer_bytes - direct_used_);
    std::memcpy(direct_buffer_.get() + direct_used_, data.data(), n);
    direct_used_ += n;
    data.remove_prefix(n);
    if (direct_used_ == staged_buffer_bytes)
      if (auto r = write_direct(staged_buffer_bytes); !r) return r;
  }
  return data.empty() ? Result<void>{} : append(data);
}

Result<void> StagedFile::append(std::string_view data) {
  if (failed_ || written_ || fd_ < 0)
    return fail(Errc::internal, "append to staged file '" + target_ + "' after it was finished or failed");
  if (direct_) return append_direct(data);
  if (buffer_.size() + data.size() > staged_buffer_bytes) {
    if (auto r = flush(); !r) return r;
    if (data.size() >= staged_buffer_bytes) {  // as large as the buffer: no copy
      if (!write_all(fd_, data.data(), data.size())) {
        failed_ = true;
        return io_error("cannot write", temp_);
      }
      handed(data.size());
      return {};
    }
  }
  if (buffer_.capacity() < staged_buffer_bytes) buffer_.reserve(staged_buffer_bytes);
  buffer_.append(data);
  return {};
}

Result<void> StagedFile::append_copy(int from_fd, std::uint64_t offset, std::uint64_t size, int from_direct_fd) {
  if (failed_ || written_ || fd_ < 0)
    return fail(Errc::internal, "append to staged file '" + target_ + "' after it was finished or failed");
  auto short_source = [&] {
    failed_ = true;
    return fail(Errc::io, "cannot copy into '" + temp_ + "': the source is shorter than the range asked");
  };
  // Read into the block buffer and written with the rest: the kernel's copy
  // would fill new page-cache pages, which direct I/O is here to avoid. The
  // scratch for the source's aligned reads is made once, for every copy.
  bool source_direct = from_direct_fd >= 0;
  if (direct_ && size > 0 && source_direct && !direct_scratch_)
    direct_scratch_ = make_aligned_buffer(staged_buffer_bytes);
  source_direct = source_direct && direct_scratch_;
  while (direct_ && size > 0) {
    const auto room_bytes = static_cast<std::size_t>(std::min<std::uint64_t>(size, staged_buffer_bytes - direct_used_));
    const std::span<char> room(direct_buffer_.get() + direct_used_, room_bytes);
    ssize_t n = -1;
    if (source_direct) {
      // What the page cache holds of the source is taken from there; the
      // rest is read directly.
      const std::uint64_t cached = cached_prefix(from_fd, offset, room.size());
      n = cached > 0 ? pread_cached(from_fd, offset, room.first(static_cast<std::size_t>(cached))) : -1;
      if (n <= 0) n = pread_direct(from_direct_fd, offset, room, direct_scratch_.get(), staged_buffer_bytes);
      if (n < 0 && errno == EINVAL) {  // the source's file system refuses: read it buffered
        source_direct = false;
        continue;
      }
    } else {
      n = ::pread(from_fd, room.data(), room.size(), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
    }
    if (n < 0) {
      failed_ = true;
      return io_error("cannot copy into", temp_);
    }
    if (n == 0) return short_source();
    direct_used_ += static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
    size -= static_cast<std::uint64_t>(n);
    if (direct_used_ == staged_buffer_bytes)
      if (auto r = write_direct(staged_buffer_bytes); !r) return r;
  }
  if (size == 0) return {};
  // What append() buffered goes first: copy_file_range writes at the
  // file's offset, which write() has moved to the end of what is written.
  if (auto r = flush(); !r) return r;
  auto in = static_cast<off_t>(offset);
  std::uint64_t left = size;
  bool by_kernel = true;
  std::string piece;
  while (left > 0) {
    ssize_t n = -1;
    if (by_kernel) {
      n = ::copy_file_range(from_fd, &in, fd_, nullptr, static_cast<std::size_t>(std::min<std::uint64_t>(left, 1u << 30)), 0);
      if (n > 0) handed(static_cast<std::uint64_t>(n));
      // Across file systems, or where the kernel cannot: by hand.
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        by_kernel = false;
        continue;
      }
    } else {
      piece.resize(static_cast<std::size_t>(std::min<std::uint64_t>(left, staged_buffer_bytes)));
      n = ::pread(from_fd, piece.data(), piece.size(), in);
      if (n > 0 && !write_all(fd_, piece.data(), static_cast<std::size_t>(n))) {
        failed_ = true;
        return io_error("cannot write", temp_);
      }
      if (n > 0) {
        in += n;
        handed(static_cast<std::uint64_t>(n));
      }
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      failed_ = true;
      return io_error("cannot copy into", temp_);
    }
    if (n == 0) return short_source();
    left -= static_cast<std::uint64_t>(n);
  }
  return {};
}

Result<void> StagedFile::finish() {
  if (auto r = write_out(); !r) return r;
  return sync();
}

Result<void> StagedFile::write_out() {
  if (failed_ || written_ || fd_ < 0)
    return fail(Errc::internal, "staged file '" + target_ + "' finished twice or after a failure");
  if (direct_) {
    // Whole blocks directly; the last, partial one through the page cache.
    if (auto r = write_direct(direct_used_ & ~(direct_io_align - 1)); !r) return r;
    if (direct_ && direct_used_ > 0) {
      if (!set_direct_io(fd_, false) || !pwrite_all(fd_, direct_buffer_.get(), direct_used_, direct_size_)) {
        failed_ = true;
        return io_error("cannot write", temp_);
      }
      handed(direct_used_);
      direct_size_ += direct_used_;
      direct_used_ = 0;
      // Read back directly too, when the file system lets it be set again.
      direct_ = set_direct_io(fd_, true);
    }
    direct_buffer_.reset();
  }
  direct_scratch_.reset();
  if (auto r = flush(); !r) return r;
  std::string().swap(buffer_);
  written_ = true;
  end_following();
  return {};
}

Result<void> StagedFile::sync() {
  if (failed_ || !written_ || finished_ || fd_ < 0)
    return fail(Errc::internal, "staged file '" + target_ + "' synced before it was written out, or twice");
  if (::fsync(fd_) != 0) {
    failed_ = true;
    return io_error("cannot sync", temp_);
  }
  finished_ = true;
  return {};
}

Result<void> StagedFile::finish_unsynced() {
  if (auto r = write_out(); !r) return r;
  finished_ = true;
  return {};
}

Result<std::size_t> StagedFile::read_at(std::uint64_t offset, std::span<char> out) const {
  if (!written_ || fd_ < 0) return fail(Errc::internal, "staged file '" + target_ + "' read before it was finished");
  // Each read tries direct I/O again: one that is refused turns O_DIRECT off
  // on fd_, so the next is read through the page cache all the same.
  std::atomic<bool> direct{direct_};
  return read_back(fd_, direct, temp_, offset, out);
}

void StagedFile::handed(std::uint64_t bytes) {
  if (!following_ || bytes == 0) return;
  {
    std::lock_guard lock(following_->mutex);
    following_->in_file += bytes;
  }
  following_->changed.notify_all();
}

Result<void> StagedFile::follow() {
  if (failed_ || written_ || fd_ < 0 || following_ || direct_size_ + direct_used_ + buffer_.size() > 0)
    return fail(Errc::internal, "staged file '" + target_ + "' followed after its first append");
  auto following = std::make_unique<Following>();
  // Direct reads of what is written directly; a file system that refuses
  // them is read through the page cache (read_back).
  following->fd = reopen_for_reads(fd_, direct_);
  if (following->fd < 0 && direct_) following->fd = reopen_for_reads(fd_, false);
  if (following->fd < 0) return io_error("cannot open for reading back", temp_);
  following->direct = direct_ && (::fcntl(following->fd, F_GETFL) & O_DIRECT) != 0;
  following_ = std::move(following);
  return {};
}

Result<std::size_t> StagedFile::read_following(std::uint64_t offset, std::span<char> out) const {
  if (!following_) return fail(Errc::internal, "staged file '" + target_ + "' read while written, but not followed");
  Following& f = *following_;
  {
    std::unique_lock lock(f.mutex);
    f.changed.wait(lock, [&] { return f.state != Following::State::writing || f.in_file >= offset + out.size(); });
    if (f.state == Following::State::failed)
      return fail(Errc::io, "cannot read back '" + temp_ + "': its writing stopped short");
  }
  return read_back(f.fd, f.direct, temp_, offset, out);
}

void StagedFile::end_following() noexcept {
  if (!following_) return;
  {
    std::lock_guard lock(following_->mutex);
    if (following_->state == Following::State::writing)
      following_->state = written_ ? Following::State::written : Following::State::failed;
  }
  following_->changed.notify_all();
}

Result<void> StagedFile::commit() {
  if (temp_.empty()) return fail(Errc::internal, "staged file '" + target_ + "' committed twice");
  if (!finished_ || failed_)
    return fail(Errc::internal, "staged file '" + target_ + "' committed before it was written in full");
  if (::rename(temp_.c_str(), target_.c_str()) != 0) return io_error("cannot rename into place", target_);
  temp_.clear();
  ::close(fd_);
  fd_ = -1;
  std::filesystem::path dir = std::filesystem::path(target_).parent_path();
  if (dir.empty()) dir = ".";
  Fd dirfd;
  dirfd.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dirfd.fd >= 0) ::fsync(dirfd.fd);  // best effort: the rename is already visible
  return {};
}

Result<void> write_file_atomic(const std::string& path, std::string_view content, unsigned mode) {
  auto staged = StagedFile::write(path, content, mode);
  if (!staged) return std::unexpected(staged.error());
  return staged->commit();
}

std::size_t remove_stale_temp_files(const std::string& path) {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  const std::string prefix = temp_prefix(target);
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix) && name.size() == prefix.size() + 6 && remove_if_orphaned(entry.path().string()))
      ++removed;
  }
  return removed;
}

std::size_t remove_stale_temp_files_in(const std::string& folder) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_temp_name(name) && remove_if_orphaned(entry.path().string())) ++removed;
  }
  return removed;
}

namespace {

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::unexpected<Error> too_large(const std::string& name, std::uint64_t max_bytes) {
  return fail(Errc::limit, "'" + name + "' is larger than the input limit of " + format_byte_count(max_bytes));
}

// Reads `fd` to its end; more than `max_bytes` is an error. `hint` (the size
// fstat reported) only presizes the buffer, capped by the limit.
Result<std::string> read_bounded(int fd, const std::string& name, std::uint64_t max_bytes, std::uint64_t hint) {
  std::string out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(hint, max_bytes)));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read", name);
    }
    if (n == 0) break;
    if (static_cast<std::uint64_t>(n) > max_bytes - out.size()) return too_large(name, max_bytes);
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

std::string format_byte_count(std::uint64_t bytes) {
  static constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024 || bytes % 1024 != 0) return std::to_string(bytes) + " bytes";
  std::uint64_t v = bytes / 1024;
  std::size_t u = 0;
  while (u + 1 < std::size(units) && v % 1024 == 0) {
    v /= 1024;
    ++u;
  }
  return std::to_string(v) + " " + units[u];
}

Result<std::string> read_file(const std::string& path, std::uint64_t max_bytes) {
  Fd file;
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (file.fd < 0) return io_error("cannot open", path);
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) return io_error("cannot stat", path);
  if (!S_ISREG(st.st_mode))
    return fail(Errc::io, "cannot read '" + path + "': it is " + file_kind(st.st_mode) + ", not a regular file");
  if (st.st_size > 0 && static_cast<std::uint64_t>(st.st_size) > max_bytes) return too_large(path, max_bytes);
  return read_bounded(file.fd, path, max_bytes, st.st_size > 0 ? static_cast<std::uint64_t>(st.st_size) : 0);
}

Result<std::string> read_stdin(std::uint64_t max_bytes) {
  // A pipe, a socket, a redirected file or a terminal; not /dev/zero or a disk.
  struct stat st {};
  if (::fstat(STDIN_FILENO, &st) != 0) return io_error("cannot stat", "-");
  if (S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode) || (S_ISCHR(st.st_mode) && !::isatty(STDIN_FILENO)))
    return fail(Errc::io, std::string("cannot read standard input: it is ") + file_kind(st.st_mode) +
                              ", not a pipe, a file or a terminal");
  std::uint64_t hint = S_ISREG(st.st_mode) && st.st_size > 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  return read_bounded(STDIN_FILENO, "-", max_bytes, hint);
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
