// A digest computed over data given in pieces (the signed zone as it is
// written, so the SHA-256 that the key state records needs no second pass
// and no whole-zone buffer). Same results as digest() in crypto/keys.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "core/bytes.hpp"
#include "crypto/algorithm.hpp"

namespace zs {

class DigestStream {
 public:
  explicit DigestStream(DigestType type);
  DigestStream(DigestStream&&) noexcept;
  DigestStream& operator=(DigestStream&&) noexcept;
  ~DigestStream();

  void update(BytesView data);
  // The digest of everything given so far; the stream starts over afterwards.
  Bytes finish();
  // finish() into `out`, which must hold the digest (64 octets hold every
  // type's); returns its size. For digests made by the million (NSEC3
  // owner hashes), with no allocation per digest.
  std::size_t finish_into(std::span<std::uint8_t> out);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace zs
