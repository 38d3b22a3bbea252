#include "signer/previous_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "core/direct_io.hpp"

namespace zs {

std::optional<PreviousOutput> PreviousOutput::open(const std::string& path, bool direct_copies) {
  // O_NONBLOCK: a FIFO put in the output's place must not hang the run.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return std::nullopt;
  PreviousOutput file(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  file.size_ = static_cast<std::uint64_t>(st.st_size);
  if (direct_copies) file.direct_fd_ = reopen_for_direct_reads(fd);
  return file;
}

PreviousOutput::PreviousOutput(PreviousOutput&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), direct_fd_(std::exchange(other.direct_fd_, -1)), size_(other.size_) {}

PreviousOutput::~PreviousOutput() {
  if (fd_ >= 0) ::close(fd_);
  if (direct_fd_ >= 0) ::close(direct_fd_);
}

bool PreviousOutput::read_exact(std::uint64_t offset, std::span<char> out) const noexcept {
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::pread(fd_, out.data() + got, out.size() - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace zs
