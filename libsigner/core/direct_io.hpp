// Direct I/O (O_DIRECT) for the signed output, which is hundreds of MB at a
// million names and written afresh by every run: its bytes go from this
// process to the disk without new page-cache pages. Measured on the 2-core
// Debian VM of docs/performance.md (ext4): a buffered write of 540 MB into a
// new file costs 2 to 3.4 s of system time (the kernel's copy into each new
// page-cache page), a direct write 0.43 s; reading an uncached 540 MB file
// costs 0.87 s buffered and 0.12 s direct, a cached one 0.03 s.
//
// A file system that refuses O_DIRECT (when it is set, or at the first
// read or write) is written and read through the page cache instead, as
// before; callers only see slower I/O.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace zs {

// What O_DIRECT needs of buffers, offsets and sizes: the largest logical
// block size in use (4096 for the disks and file systems we meet).
inline constexpr std::size_t direct_io_align = 4096;

struct FreeAligned {
  void operator()(char* p) const noexcept;
};
// Memory aligned for direct I/O; `bytes` is rounded up to direct_io_align.
// Null only when memory is exhausted.
using AlignedBuffer = std::unique_ptr<char[], FreeAligned>;
AlignedBuffer make_aligned_buffer(std::size_t bytes);

// Turns O_DIRECT on or off for the open file `fd` (fcntl F_SETFL); false when
// the file system refuses.
bool set_direct_io(int fd, bool on) noexcept;

// A second descriptor, read-only with O_DIRECT, for the very file `fd` is
// open on (even renamed or removed since: /proc/self/fd); -1 when it cannot
// be had (no /proc, a file system without O_DIRECT, another file found).
int reopen_for_direct_reads(int fd) noexcept;
// The same, with O_DIRECT only when `direct`.
int reopen_for_reads(int fd, bool direct) noexcept;

// Reads up to `out.size()` bytes at `offset` from `fd`, which is open with
// O_DIRECT, through `scratch` (aligned, `scratch_bytes` a multiple of
// direct_io_align): reads of whole aligned blocks, then copies of the part
// asked for (or, when `offset`, `out.size()` and `out.data()` are all
// aligned, straight into `out`; `scratch` may then be null). Returns the
// bytes read (fewer only at the end of the file), or -1 with errno set
// (EINVAL when the file system refuses direct reads).
ssize_t pread_direct(int fd, std::uint64_t offset, std::span<char> out, char* scratch,
                     std::size_t scratch_bytes) noexcept;

// How many of the `size` bytes at `offset` of the file open as `fd` the page
// cache holds, from `offset` up to the first page it does not (mincore over
// a mapping, which reads nothing); 0 when it cannot tell. A file that a
// re-sign copies from is often cached (read or copied just before): a
// direct read would send the disk for those pages, after writing out any
// that are dirty.
std::uint64_t cached_prefix(int fd, std::uint64_t offset, std::uint64_t size) noexcept;

// Reads up to `out.size()` bytes at `offset` of `fd` (open without O_DIRECT)
// from the page cache, never waiting on the disk (preadv2 with RWF_NOWAIT):
// the bytes read, up to the first page not cached; 0 at the end of the file;
// -1 with errno EAGAIN when the first page is not cached (the kernel may
// then start reading it in: ask cached_prefix first), or another errno.
ssize_t pread_cached(int fd, std::uint64_t offset, std::span<char> out) noexcept;

}  // namespace zs
