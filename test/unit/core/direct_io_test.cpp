// Direct I/O for the signed output (core/direct_io.hpp) and StagedFile's
// Io::direct: the same bytes as through the page cache, whatever the sizes
// and offsets, around the 4 KiB blocks and the 4 MiB buffer.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/direct_io.hpp"

using namespace zs;

namespace {

struct Folder {
  std::filesystem::path path;
  explicit Folder(const char* name) : path(std::filesystem::temp_directory_path() / name) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~Folder() { std::filesystem::remove_all(path); }
};

std::string pattern(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>('!' + rng() % 90);
  return out;
}

// Whether the temporary folder's file system takes O_DIRECT at all; these
// tests mean nothing where it does not (StagedFile then writes buffered).
bool direct_io_here(const std::filesystem::path& folder) {
  const std::string probe = (folder / "probe").string();
  const int fd = ::open(probe.c_str(), O_CREAT | O_RDWR | O_DIRECT | O_CLOEXEC, 0600);
  if (fd < 0) {
    MESSAGE("the temporary folder's file system refuses O_DIRECT: nothing to test here");
    return false;
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return true;
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// `data` written to `path`, open plainly and, for direct reads, again.
struct OpenTwice {
  Fd plain;
  Fd direct;
  OpenTwice(const std::string& path, const std::string& data)
      : plain{write_file_atomic(path, data) ? ::open(path.c_str(), O_RDONLY | O_CLOEXEC) : -1},
        direct{plain.fd >= 0 ? reopen_for_direct_reads(plain.fd) : -1} {}
};

// Drops the pages of [offset, offset + size) of the file open as `fd` from
// the page cache, once they are on the disk.
void drop_from_cache(int fd, std::uint64_t offset, std::uint64_t size) {
  REQUIRE(::fdatasync(fd) == 0);
  REQUIRE(::posix_fadvise(fd, static_cast<off_t>(offset), static_cast<off_t>(size), POSIX_FADV_DONTNEED) == 0);
}

// Holds [offset, offset + size) of the file open as `fd` in the page cache
// for as long as it lives (mlock on a shared mapping): the kernel may evict
// any page under memory pressure, which a test of what is cached must rule
// out. `held` is false where the lock was refused (RLIMIT_MEMLOCK).
struct PinnedRange {
  void* map = MAP_FAILED;
  std::size_t span = 0;
  bool held = false;
  PinnedRange(int fd, std::uint64_t offset, std::uint64_t size) {
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t first = offset / page * page;
    span = static_cast<std::size_t>(offset + size - first);
    map = ::mmap(nullptr, span, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(first));
    held = map != MAP_FAILED && ::mlock(map, span) == 0;
  }
  ~PinnedRange() {
    if (map != MAP_FAILED) ::munmap(map, span);  // unlocks too
  }
  PinnedRange(const PinnedRange&) = delete;
  PinnedRange& operator=(const PinnedRange&) = delete;
};

// Reads a few scattered pieces of the file open as `fd` through the page
// cache, once all of it was dropped from there: some of it cached, some not.
void cache_some(int fd, std::uint64_t size) {
  drop_from_cache(fd, 0, size);
  std::string piece(4096, '\0');
  for (std::uint64_t at = size / 7; at < size; at += size / 3)
    REQUIRE(::pread(fd, piece.data(), piece.size(), static_cast<off_t>(at)) > 0);
}

}  // namespace

TEST_CASE("pread_direct reads any range of a file, in place when aligned and through the scratch otherwise") {
  Folder folder("zs_direct_read");
  if (!direct_io_here(folder.path)) return;
  const std::string path = (folder.path / "data").string();
  const std::string data = pattern(3 * 1024 * 1024 + 777, 1);
  const OpenTwice file(path, data);
  const int direct_fd = file.direct.fd;
  REQUIRE(direct_fd >= 0);
  for (std::size_t scratch_bytes : {direct_io_align, 2 * direct_io_align, std::size_t{1} << 20}) {
    AlignedBuffer scratch = make_aligned_buffer(scratch_bytes);
    REQUIRE(scratch);
    std::mt19937 rng(static_cast<unsigned>(scratch_bytes));
    for (int i = 0; i < 200; ++i) {
      const std::uint64_t offset = rng() % (data.size() + 5000);
      const std::size_t size = rng() % (i % 2 ? 300000 : 9000);
      std::string out(size, '\0');
      const ssize_t n = pread_direct(direct_fd, offset, out, scratch.get(), scratch_bytes);
      REQUIRE(n >= 0);
      const std::string want = offset >= data.size() ? std::string() : data.substr(offset, size);
      CHECK(static_cast<std::size_t>(n) == want.size());
      CHECK(out.substr(0, static_cast<std::size_t>(n)) == want);
    }
  }
  // Aligned: read in place, up to the end of the file within its last block.
  AlignedBuffer whole = make_aligned_buffer(data.size() + direct_io_align);
  const std::size_t asked = (data.size() / direct_io_align + 1) * direct_io_align;
  const ssize_t n = pread_direct(direct_fd, 0, std::span<char>(whole.get(), asked), nullptr, 0);
  REQUIRE(n == static_cast<ssize_t>(data.size()));
  CHECK(std::string(whole.get(), data.size()) == data);
  const ssize_t tail = pread_direct(direct_fd, 2 * 1024 * 1024, std::span<char>(whole.get(), 8192), nullptr, 0);
  REQUIRE(tail == 8192);
  CHECK(std::string(whole.get(), 8192) == data.substr(2 * 1024 * 1024, 8192));
}

TEST_CASE("cached_prefix tells what the page cache holds, which pread_cached reads without the disk") {
  Folder folder("zs_cached_read");
  const std::string path = (folder.path / "data").string();
  constexpr std::size_t mib = std::size_t{1} << 20;
  const std::string data = pattern(6 * mib + 300, 7);
  const OpenTwice file(path, data);
  const int fd = file.plain.fd;
  REQUIRE(fd >= 0);
  std::string out(data.size() + 100, '\0');
  std::mt19937 rng(11);

  // All of it cached (and held there), read from any offset.
  {
    const PinnedRange pinned(fd, 0, data.size());
    if (!pinned.held)
      MESSAGE("the page cache could not be held (mlock refused): reads of a whole cached file were not tested");
    else
      CHECK(cached_prefix(fd, 0, data.size()) == data.size());
    for (int i = 0; pinned.held && i < 50; ++i) {
      const std::uint64_t offset = rng() % (data.size() - 300000);
      const std::size_t size = rng() % 300000;
      CAPTURE(offset);
      CHECK(cached_prefix(fd, offset, size) == size);
      REQUIRE(pread_cached(fd, offset, std::span<char>(out.data(), size)) == static_cast<ssize_t>(size));
      CHECK(out.substr(0, size) == data.substr(offset, size));
    }
    CHECK(pread_cached(fd, data.size(), out) == 0);  // the end of the file
  }

  // Dropped: nothing cached, then what a read brings back in.
  drop_from_cache(fd, 0, data.size());
  if (cached_prefix(fd, 0, data.size()) != 0) {
    MESSAGE("the kernel kept the dropped pages: only reads of cached ranges were tested");
    return;
  }
  CHECK(cached_prefix(fd, 0, data.size()) == 0);
  const std::uint64_t at = 3 * mib + 5;
  REQUIRE(::pread(fd, out.data(), 100, static_cast<off_t>(at)) == 100);
  const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  // The page just read stays; the readahead around it may be evicted.
  const PinnedRange pinned(fd, at, 1);
  REQUIRE(pinned.held);  // one page is within any RLIMIT_MEMLOCK
  const std::uint64_t in_page = page - at % page;
  CHECK(cached_prefix(fd, at / page * page, page) == page);
  CHECK(cached_prefix(fd, at, 100) == 100);
  CHECK(cached_prefix(fd, 0, data.size()) == 0);  // the first page is still out
  // A range that starts in the cached stretch: cached up to where it ends,
  // and pread_cached reads that much, or less if the kernel evicted the rest
  // in between, but never less than the held page.
  const std::uint64_t held = cached_prefix(fd, at, data.size() - at);
  REQUIRE(held >= in_page);
  REQUIRE(held < data.size() - at);
  CHECK(cached_prefix(fd, at + held, 1) == 0);
  const ssize_t got = pread_cached(fd, at, std::span<char>(out.data(), held));
  REQUIRE(got >= static_cast<ssize_t>(in_page));
  REQUIRE(got <= static_cast<ssize_t>(held));
  CHECK(out.substr(0, static_cast<std::size_t>(got)) == data.substr(at, static_cast<std::size_t>(got)));
  // Where nothing is cached it waits for nothing: EAGAIN.
  const ssize_t none = pread_cached(fd, 0, std::span<char>(out.data(), 4096));
  const int error = errno;
  CHECK(none == -1);
  CHECK(error == EAGAIN);
}

TEST_CASE("a second descriptor for direct reads is the same file, even renamed and removed, and none for a pipe") {
  Folder folder("zs_direct_reopen");
  if (!direct_io_here(folder.path)) return;
  const std::string path = (folder.path / "old").string();
  const std::string data = pattern(10000, 2);
  REQUIRE(write_file_atomic(path, data));
  Fd plain{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  REQUIRE(plain.fd >= 0);
  REQUIRE(write_file_atomic(path, "another file in its place"));
  std::filesystem::remove(path);
  Fd direct{reopen_for_direct_reads(plain.fd)};
  REQUIRE(direct.fd >= 0);
  AlignedBuffer scratch = make_aligned_buffer(direct_io_align * 4);
  std::string out(data.size(), '\0');
  CHECK(pread_direct(direct.fd, 0, out, scratch.get(), direct_io_align * 4) == static_cast<ssize_t>(data.size()));
  CHECK(out == data);
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  CHECK(reopen_for_direct_reads(pipe_fds[0]) == -1);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST_CASE("a staged file written with direct I/O holds what was appended and copied, read back at any offset") {
  Folder folder("zs_direct_staged");
  if (!direct_io_here(folder.path)) return;
  const std::string source_path = (folder.path / "previous").string();
  const std::string source = pattern(9 * 1024 * 1024 + 123, 3);
  const OpenTwice file(source_path, source);
  const Fd& plain = file.plain;
  const Fd& direct = file.direct;
  REQUIRE(direct.fd >= 0);
  const std::string path = (folder.path / "zone.signed").string();
  constexpr std::size_t mib4 = std::size_t{4} << 20;

  // Sizes around the blocks and the buffer; a total that ends on a block
  // (nothing left for the page cache) and one that does not.
  for (const bool end_on_block : {false, true}) {
    CAPTURE(end_on_block);
    // The copies read what the page cache holds of the source and the rest
    // directly: the second time, only a few pieces of it are cached.
    if (end_on_block) {
      cache_some(plain.fd, source.size());
      const PinnedRange piece(plain.fd, source.size() / 7, 4096);
      REQUIRE(piece.held);
      CHECK(cached_prefix(plain.fd, source.size() / 7, 4096) == 4096);
    }
    auto staged = StagedFile::create(path, 0644, StagedFile::Io::direct);
    REQUIRE(staged);
    CHECK(staged->direct());
    std::string want;
    std::mt19937 rng(end_on_block ? 5 : 4);
    const std::size_t sizes[] = {1, 4095, 4096, 4097, mib4 - 1, mib4, mib4 + 1, 100, 3 * mib4 + 17};
    for (std::size_t i = 0; i < std::size(sizes); ++i) {
      const std::string piece = pattern(sizes[i], static_cast<unsigned>(i));
      REQUIRE(staged->append(piece));
      want += piece;
      // A copy after every piece: from the direct descriptor, then the plain one.
      const std::uint64_t offset = rng() % (source.size() / 2);
      const std::uint64_t size = i == 3 ? 0 : rng() % (i % 3 == 0 ? 5 * mib4 / 4 : 70000);
      REQUIRE(staged->append_copy(plain.fd, offset, size, i % 2 ? -1 : direct.fd));
      want += source.substr(offset, size);
    }
    if (end_on_block) {
      const std::string pad = pattern(direct_io_align - want.size() % direct_io_align, 9);
      REQUIRE(staged->append(pad));
      want += pad;
      REQUIRE(want.size() % direct_io_align == 0);
    }
    REQUIRE(staged->write_out());
    for (int i = 0; i < 300; ++i) {
      const std::uint64_t offset = rng() % (want.size() + 100);
      const std::size_t size = rng() % (i % 3 ? 50000 : 2 * mib4);
      std::string out(size, '\0');
      auto n = staged->read_at(offset, out);
      REQUIRE(n);
      const std::string expected = offset >= want.size() ? std::string() : want.substr(offset, size);
      CHECK(*n == expected.size());
      CHECK(out.substr(0, *n) == expected);
    }
    REQUIRE(staged->sync());
    REQUIRE(staged->commit());
    CHECK(read_file(path).value() == want);
  }

  // A range past the source's end: an error, and the file cannot be committed.
  REQUIRE(write_file_atomic(path, "published"));
  auto short_source = StagedFile::create(path, 0644, StagedFile::Io::direct);
  REQUIRE(short_source);
  REQUIRE(short_source->append("x"));
  auto copied = short_source->append_copy(plain.fd, source.size() - 10, 11, direct.fd);
  REQUIRE_FALSE(copied);
  CHECK(copied.error().code == Errc::io);
  CHECK_FALSE(short_source->finish());
  CHECK_FALSE(short_source->commit());
  CHECK(read_file(path).value() == "published");
}

// Reads `file` from its start to its end through read_following, in pieces
// of `piece` bytes (aligned in an aligned buffer when `aligned`), as a
// read-back that follows the writing does.
Result<std::string> follow_to_end(const StagedFile& file, std::size_t piece, bool aligned) {
  AlignedBuffer buffer = make_aligned_buffer((piece + direct_io_align) / direct_io_align * direct_io_align);
  std::string got;
  for (;;) {
    auto n = file.read_following(got.size(), std::span<char>(buffer.get() + (aligned ? 0 : 3), piece));
    if (!n) return std::unexpected(n.error());
    if (*n == 0) return got;
    got.append(buffer.get() + (aligned ? 0 : 3), *n);
  }
}

TEST_CASE("a direct read-back asks for no more than the file's blocks") {
  // A direct read past the end of a file zeroes the buffer up to the length
  // asked for: a small zone's 4 MiB read-back window cost 1,000 page faults.
  // The bytes of the buffer past the file's last block are left as they were.
  Folder folder("zs_direct_small");
  if (!direct_io_here(folder.path)) return;
  const std::string path = (folder.path / "zone.signed").string();
  const std::string want = pattern(3 * direct_io_align + 100, 12);
  auto staged = StagedFile::create(path, 0644, StagedFile::Io::direct);
  REQUIRE(staged);
  REQUIRE(staged->follow());
  REQUIRE(staged->append(want));
  REQUIRE(staged->write_out());
  constexpr std::size_t window = std::size_t{4} << 20;
  const std::size_t blocks = 4 * direct_io_align;
  for (const bool following : {false, true}) {
    CAPTURE(following);
    AlignedBuffer buffer = make_aligned_buffer(window);
    REQUIRE(buffer);
    std::memset(buffer.get(), '#', window);
    const std::span<char> out(buffer.get(), window);
    auto n = following ? staged->read_following(0, out) : staged->read_at(0, out);
    REQUIRE(n);
    CHECK(*n == want.size());
    CHECK(std::string(buffer.get(), *n) == want);
    CHECK(std::string(buffer.get() + blocks, window - blocks) == std::string(window - blocks, '#'));
    // From inside the last block, and from past the end.
    std::memset(buffer.get(), '#', window);
    n = staged->read_at(3 * direct_io_align, out);
    REQUIRE(n);
    CHECK(std::string(buffer.get(), *n) == want.substr(3 * direct_io_align));
    CHECK(std::string(buffer.get() + direct_io_align, 64) == std::string(64, '#'));
    CHECK(staged->read_at(blocks, out).value() == 0);
  }
}

TEST_CASE("readers that follow a staged file's writing read what it holds, as it is written") {
  Folder folder("zs_direct_follow");
  const bool direct_here = direct_io_here(folder.path);
  const std::string source_path = (folder.path / "previous").string();
  const std::string source = pattern(6 * 1024 * 1024 + 321, 11);
  const OpenTwice file(source_path, source);
  const std::string path = (folder.path / "zone.signed").string();
  for (const auto io : {StagedFile::Io::buffered, StagedFile::Io::direct}) {
    CAPTURE(static_cast<int>(io));
    auto staged = StagedFile::create(path, 0644, io);
    REQUIRE(staged);
    CHECK(staged->direct() == (io == StagedFile::Io::direct && direct_here));
    REQUIRE(staged->follow());
    // Two readers, one in whole aligned 4 MiB windows (as ReadBackTee), one
    // in small unaligned pieces, both started before anything is written.
    Result<std::string> windows = std::string(), pieces = std::string();
    std::thread window_reader([&] { windows = follow_to_end(*staged, std::size_t{4} << 20, true); });
    std::thread piece_reader([&] { pieces = follow_to_end(*staged, 70001, false); });
    std::string want;
    std::mt19937 rng(io == StagedFile::Io::direct ? 12 : 13);
    for (int i = 0; i < 40; ++i) {
      if (i % 4 == 3) {
        const std::uint64_t offset = rng() % (source.size() / 2);
        const std::uint64_t size = rng() % (std::size_t{3} << 20);
        REQUIRE(staged->append_copy(file.plain.fd, offset, size, file.direct.fd));
        want += source.substr(offset, size);
      } else {
        const std::string piece = pattern(rng() % 600000, static_cast<unsigned>(100 + i));
        REQUIRE(staged->append(piece));
        want += piece;
      }
    }
    REQUIRE(staged->write_out());
    window_reader.join();
    piece_reader.join();
    REQUIRE(windows);
    REQUIRE(pieces);
    CHECK(*windows == want);
    CHECK(*pieces == want);
    // Past the end, after the writing: nothing, at once.
    char past[10];
    CHECK(staged->read_following(want.size() + 5, past).value() == 0);
    REQUIRE(staged->sync());
    REQUIRE(staged->commit());
    CHECK(read_file(path).value() == want);
  }
}

TEST_CASE("a writing that stops short releases the readers that follow it, with an error") {
  Folder folder("zs_direct_follow_fail");
  const std::string path = (folder.path / "zone.signed").string();
  for (const auto io : {StagedFile::Io::buffered, StagedFile::Io::direct}) {
    CAPTURE(static_cast<int>(io));
    REQUIRE(write_file_atomic(path, "published"));
    {
      auto staged = StagedFile::create(path, 0644, io);
      REQUIRE(staged);
      REQUIRE(staged->follow());
      // Waits for bytes that never come.
      Result<std::string> read = std::string();
      std::thread reader([&] { read = follow_to_end(*staged, 4096, true); });
      REQUIRE(staged->append(pattern(5 * 1024 * 1024, 21)));
      staged->end_following();  // the writer's way out after a failure
      reader.join();
      REQUIRE_FALSE(read);
      CHECK(read.error().code == Errc::io);
      CHECK(read.error().message.find("stopped short") != std::string::npos);
      // Every later read fails too, and the file was never written out.
      char any[1];
      CHECK_FALSE(staged->read_following(0, any));
      CHECK_FALSE(staged->commit());
    }
    CHECK(read_file(path).value() == "published");
  }
  // Only before the first append, and once.
  auto staged = StagedFile::create(path, 0644, StagedFile::Io::direct);
  REQUIRE(staged);
  REQUIRE(staged->append("x"));
  auto late = staged->follow();
  REQUIRE_FALSE(late);
  CHECK(late.error().code == Errc::internal);
  auto fresh = StagedFile::create(path, 0644, StagedFile::Io::direct);
  REQUIRE(fresh);
  char any[1];
  auto unfollowed = fresh->read_following(0, any);
  REQUIRE_FALSE(unfollowed);
  CHECK(unfollowed.error().code == Errc::internal);
  REQUIRE(fresh->follow());
  auto twice = fresh->follow();
  REQUIRE_FALSE(twice);
  CHECK(twice.error().code == Errc::internal);
}
