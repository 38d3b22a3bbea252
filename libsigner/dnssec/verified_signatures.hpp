// The set of signatures whose cryptography a verifier may take as known good
// (VerifyOptions::verified), by their signature_fingerprint().
//
// A re-sign of a large zone hands the verifier millions of them, so the set
// is one flat table of 32-octet fingerprints (open addressing; fingerprints
// are SHA-256 outputs, so their first octets are already a uniform hash)
// instead of a node-based set of strings: a fifth of the memory, no
// allocation per fingerprint.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace zs {

using SignatureFingerprint = std::array<std::uint8_t, 32>;

class VerifiedSignatures {
 public:
  VerifiedSignatures() = default;
  VerifiedSignatures(std::initializer_list<SignatureFingerprint> fingerprints);

  // Room for `count` fingerprints without growing.
  void reserve(std::size_t count);
  void insert(const SignatureFingerprint& fingerprint);
  bool contains(const SignatureFingerprint& fingerprint) const noexcept;
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  std::size_t slot_of(const SignatureFingerprint& fingerprint) const noexcept;
  void grow_to(std::size_t slots);

  // A slot of all zeros is empty; the all-zero fingerprint itself (which
  // SHA-256 gives for no known input) is kept apart.
  std::vector<SignatureFingerprint> slots_;
  std::size_t size_ = 0;
  bool has_zero_ = false;
};

}  // namespace zs
