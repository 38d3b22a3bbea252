#include "core/direct_io.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace zs {

void FreeAligned::operator()(char* p) const noexcept { std::free(p); }

AlignedBuffer make_aligned_buffer(std::size_t bytes) {
  const std::size_t blocks = std::max<std::size_t>(1, (bytes + direct_io_align - 1) / direct_io_align);
  const std::size_t rounded = blocks * direct_io_align;
  return AlignedBuffer(static_cast<char*>(std::aligned_alloc(direct_io_align, rounded)));
}

bool set_direct_io(int fd, bool on) noexcept {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return false;
  const int wanted = on ? (flags | O_DIRECT) : (flags & ~O_DIRECT);
  return wanted == flags || ::fcntl(fd, F_SETFL, wanted) == 0;
}

int reopen_for_direct_reads(int fd) noexcept { return reopen_for_reads(fd, true); }

int reopen_for_reads(int fd, bool direct) noexcept {
  struct stat was {};
  if (::fstat(fd, &was) != 0 || !S_ISREG(was.st_mode)) return -1;
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const int reader = ::open(link.c_str(), O_RDONLY | (direct ? O_DIRECT : 0) | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (reader < 0) return -1;
  struct stat is {};
  if (::fstat(reader, &is) != 0 || is.st_dev != was.st_dev || is.st_ino != was.st_ino) {
    ::close(reader);
    return -1;
  }
  return reader;
}

ssize_t pread_direct(int fd, std::uint64_t offset, std::span<char> out, char* scratch,
                     std::size_t scratch_bytes) noexcept {
  constexpr std::uint64_t mask = direct_io_align - 1;
  std::size_t got = 0;
  // Whole aligned blocks into an aligned buffer: read in place.
  if ((offset & mask) == 0 && (out.size() & mask) == 0 && (reinterpret_cast<std::uintptr_t>(out.data()) & mask) == 0) {
    while (got < out.size()) {
      const ssize_t n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(offset + got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return -1;
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
      if ((got & mask) != 0) break;  // the end of the file, within a block
    }
    return static_cast<ssize_t>(got);
  }
  while (got < out.size()) {
    const std::uint64_t at = offset + got;
    const std::uint64_t block_start = at & ~mask;
    const auto skip = static_cast<std::size_t>(at - block_start);
    const std::size_t span_bytes = (skip + (out.size() - got) + mask) & ~static_cast<std::size_t>(mask);
    const std::size_t want = std::min(span_bytes, scratch_bytes);
    const ssize_t n = ::pread(fd, scratch, want, static_cast<off_t>(block_start));
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (static_cast<std::size_t>(n) <= skip) break;  // the end of the file
    const std::size_t useful = std::min(static_cast<std::size_t>(n) - skip, out.size() - got);
    std::memcpy(out.data() + got, scratch + skip, useful);
    got += useful;
    if (static_cast<std::size_t>(n) < want) break;  // the end of the file
  }
  return static_cast<ssize_t>(got);
}

std::uint64_t cached_prefix(int fd, std::uint64_t offset, std::uint64_t size) noexcept {
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (size == 0 || page_size <= 0) return 0;
  const auto page = static_cast<std::uint64_t>(page_size);
  const std::uint64_t first = offset / page * page;
  const std::uint64_t span = offset + size - first;
  void* map = ::mmap(nullptr, span, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(first));
  if (map == MAP_FAILED) return 0;
  std::uint64_t pages = 0;
  const std::uint64_t total = (span + page - 1) / page;
  unsigned char resident[256];
  bool missing = false;
  while (pages < total && !missing) {
    const std::uint64_t batch = std::min<std::uint64_t>(total - pages, std::size(resident));
    if (::mincore(static_cast<char*>(map) + pages * page, batch * page, resident) != 0) break;
    std::uint64_t i = 0;
    while (i < batch && (resident[i] & 1) != 0) ++i;
    pages += i;
    missing = i < batch;
  }
  ::munmap(map, span);
  if (pages == 0) return 0;
  return std::min(first + pages * page, offset + size) - offset;
}

ssize_t pread_cached(int fd, std::uint64_t offset, std::span<char> out) noexcept {
  iovec piece{out.data(), out.size()};
  for (;;) {
    const ssize_t n = ::preadv2(fd, &piece, 1, static_cast<off_t>(offset), RWF_NOWAIT);
    if (n >= 0 || errno != EINTR) return n;
  }
}

}  // namespace zs
