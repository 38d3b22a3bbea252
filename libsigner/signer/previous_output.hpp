// The previous signed output, read by ranges: the chunks a re-sign copies
// from it instead of rendering them again (signer/output_chunks.hpp). What
// is read is never trusted: the gate's read-back checks copied chunks as it
// checks rendered ones. The signature index is read by ranges through it
// too (signer/signature_reuse.hpp), each checked against its digest.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace zs {

class PreviousOutput {
 public:
  // Opens `path` for reading; nullopt when it is not a readable regular file.
  // With `direct_copies`, also a second descriptor for direct-I/O copies
  // (direct_fd); the signature index, read in small pieces, needs none.
  static std::optional<PreviousOutput> open(const std::string& path, bool direct_copies = false);
  PreviousOutput(PreviousOutput&& other) noexcept;
  PreviousOutput& operator=(PreviousOutput&&) = delete;
  PreviousOutput(const PreviousOutput&) = delete;
  ~PreviousOutput();

  // Fills `out` with the bytes at `offset`; false when the file holds fewer
  // or cannot be read. Safe to call from several threads at once.
  bool read_exact(std::uint64_t offset, std::span<char> out) const noexcept;
  // Its size when it was opened.
  std::uint64_t size() const noexcept { return size_; }
  // The open descriptor, to copy ranges from (StagedFile::append_copy).
  int fd() const noexcept { return fd_; }
  // A second one on the same file with O_DIRECT, for a direct-I/O copy
  // (reopen_for_direct_reads); -1 when not asked for or where the file
  // system has none.
  int direct_fd() const noexcept { return direct_fd_; }

 private:
  explicit PreviousOutput(int fd) noexcept : fd_(fd) {}
  int fd_ = -1;
  int direct_fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace zs
